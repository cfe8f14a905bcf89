/*
 * fuzz_geniusweb.c -- libFuzzer target for the GeniusWeb JSON reader
 * (src/io/geniusweb.c), reached through parley_genius_read_files and
 * parley_genius_read_folder with .json parts.  See fuzz_files.h for the
 * input shape and the checks.
 */
#include "fuzz_files.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_run(data, size, ".json");
    return 0;
}
