/*
 * fuzz_parse.c — libFuzzer target: any bytes through the parser, then the
 * diagnostics printer, everything freed. Crashes, hangs, leaks and
 * sanitizer reports are the findings.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ast_schema schema = {0};
    diag_list diags = DIAG_LIST_INIT;
    parse_text(&schema, "fuzz.prisma", (const char *)data, size, &diags);

    /* Walk the tree so that every node and string is read. */
    size_t n = 0;
    for (size_t i = 0; i < schema.nblocks; i++)
        for (size_t j = 0; j < schema.blocks[i]->nmembers; j++)
            n += schema.blocks[i]->members[j].nattrs;
    (void)n;

    static FILE *sink;
    if (!sink)
        sink = fopen("/dev/null", "w");
    if (sink)
        diag_print(sink, &diags, true);
    diag_list_free(&diags);
    ast_schema_free(&schema);
    return 0;
}
