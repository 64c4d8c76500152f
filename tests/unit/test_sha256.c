/* SHA-256 against the FIPS 180-4 / NIST example vectors: migration
 * checksums must equal the ones Prisma stores. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "util/sha256.h"

static void expect_hex(const char *msg, size_t len, const char *want)
{
    char got[SHA256_HEX_LEN + 1];
    sha256_hex(msg, len, got);
    ck_assert_str_eq(got, want);
}

START_TEST(empty_string)
{
    expect_hex("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}
END_TEST

START_TEST(abc)
{
    expect_hex("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}
END_TEST

START_TEST(two_blocks_448_bits)
{
    const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    expect_hex(m, strlen(m), "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}
END_TEST

START_TEST(two_blocks_896_bits)
{
    const char *m = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnop"
                    "jklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";
    expect_hex(m, strlen(m), "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}
END_TEST

START_TEST(million_a_fed_in_odd_pieces)
{
    char *m = malloc(1000000);
    memset(m, 'a', 1000000);
    expect_hex(m, 1000000, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    /* The same bytes in pieces that straddle block boundaries. */
    sha256_ctx c;
    sha256_init(&c);
    size_t off = 0, step = 1;
    while (off < 1000000) {
        size_t n = step < 1000000 - off ? step : 1000000 - off;
        sha256_update(&c, m + off, n);
        off += n;
        step = step * 7 % 193 + 1;
    }
    uint8_t d[32];
    sha256_final(&c, d);
    ck_assert_uint_eq(d[0], 0xcd);
    ck_assert_uint_eq(d[31], 0xd0);
    free(m);
}
END_TEST

START_TEST(lengths_around_the_padding_boundary)
{
    /* 55, 56 and 64 bytes: the length field fits, does not fit, full block. */
    char m[64];
    memset(m, 'x', sizeof m);
    expect_hex(m, 55, "d5e285683cd4efc02d021a5c62014694958901005d6f71e89e0989fac77e4072");
    expect_hex(m, 56, "04c26261370ee7541549d16dee320c723e3fd14671e66a099afe0a377c16888e");
    expect_hex(m, 64, "7ce100971f64e7001e8fe5a51973ecdfe1ced42befe7ee8d5fd6219506b5393c");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("sha256");
    TCase *tc = tcase_create("nist");
    tcase_add_test(tc, empty_string);
    tcase_add_test(tc, abc);
    tcase_add_test(tc, two_blocks_448_bits);
    tcase_add_test(tc, two_blocks_896_bits);
    tcase_add_test(tc, million_a_fed_in_odd_pieces);
    tcase_add_test(tc, lengths_around_the_padding_boundary);
    suite_add_tcase(s, tc);
    SRunner *r = srunner_create(s);
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
