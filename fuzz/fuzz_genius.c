/*
 * fuzz_genius.c -- libFuzzer target for the GENIUS XML reader
 * (src/io/genius*.c): a domain file and up to four profiles, read with
 * parley_genius_read_files and again as a folder with
 * parley_genius_read_folder.  See fuzz_files.h for the input shape and
 * the checks.  XML is read from disk because the library's GENIUS entry
 * points take paths only.
 */
#include "fuzz_files.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_run(data, size, ".xml");
    return 0;
}
