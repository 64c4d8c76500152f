/*
 * test_progress.c — progress is drawn on a terminal and never into a pipe
 * or file, where it would corrupt logs and machine-read output.
 */
#define _XOPEN_SOURCE 700 /* posix_openpt and friends */
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/progress.h"

START_TEST(nothing_into_a_pipe)
{
    int fds[2];
    ck_assert_int_eq(pipe(fds), 0);
    FILE *w = fdopen(fds[1], "w");
    progress p = progress_begin(w, 3);
    progress_step(&p, "a");
    progress_step(&p, "b");
    progress_end(&p);
    fclose(w);
    char buf[64];
    ck_assert_int_eq(read(fds[0], buf, sizeof buf), 0);
    close(fds[0]);
    ck_assert(!progress_visible(NULL));
}
END_TEST

START_TEST(a_line_on_a_terminal)
{
    int master = posix_openpt(O_RDWR | O_NOCTTY);
    if (master < 0 || grantpt(master) != 0 || unlockpt(master) != 0) {
        printf("terminal case skipped: no pseudo-terminal\n");
        return;
    }
    char name[128];
    snprintf(name, sizeof name, "%s", ptsname(master));
    int slave = open(name, O_RDWR | O_NOCTTY);
    ck_assert_int_ge(slave, 0);
    setenv("TERM", "xterm", 1);
    FILE *t = fdopen(slave, "w");
    progress p = progress_begin(t, 120);
    progress_step(&p, "20240101000000_init");
    progress_step(&p, "20240102000000_posts");
    progress_end(&p);
    fclose(t);
    char buf[512] = {0};
    ssize_t n = 0, r;
    while (n < (ssize_t)sizeof buf - 1 && (r = read(master, buf + n, sizeof buf - 1 - (size_t)n)) > 0) {
        n += r;
        if (strstr(buf, "\r\033[K") && strstr(buf, "posts"))
            break;
    }
    close(master);
    ck_assert_ptr_nonnull(strstr(buf, "\r[  1/120] 20240101000000_init\033[K"));
    ck_assert_ptr_nonnull(strstr(buf, "\r[  2/120] 20240102000000_posts\033[K"));
    /* TERM=dumb: nothing */
    setenv("TERM", "dumb", 1);
    int fd = open(name, O_RDWR | O_NOCTTY);
    if (fd >= 0) {
        FILE *t2 = fdopen(fd, "w");
        ck_assert(!progress_visible(t2));
        fclose(t2);
    }
}
END_TEST

static Suite *progress_suite(void)
{
    Suite *s = suite_create("progress");
    TCase *tc = tcase_create("progress");
    tcase_add_test(tc, nothing_into_a_pipe);
    tcase_add_test(tc, a_line_on_a_terminal);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(progress_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
