/*
 * xml_front.h -- xf_: the one libxml2 front end of parley's XML readers
 * (GENIUS XML in genius*.c, KTAB's SMP XML in ktab.c).  Internal; not
 * installed.
 *
 * One policy for every XML input: no network (XML_PARSE_NONET), no DTD
 * loaded (the external subset is ignored, nothing outside the document is
 * resolved), no validation, entities never substituted, and a document
 * that declares any entity (general or parameter, in the internal subset)
 * is refused while it is parsed, before anything can expand.  libxml2's
 * messages never reach stderr: the first error is kept with its line and
 * column.  libxml2's own depth and size limits apply (no XML_PARSE_HUGE).
 *
 * Ownership: xf_parse hands back a document allocated by libxml2's global
 * allocator (it has no per-call hook); the caller frees it with
 * xmlFreeDoc.  Nothing else here allocates.
 */
#ifndef PARLEY_XML_FRONT_H
#define PARLEY_XML_FRONT_H

#include <stdbool.h>
#include <stddef.h>

#include <libxml/tree.h>

/* Why a parse gave no document.  Neither flag set: out of memory. */
typedef struct xf_error {
    bool have;            /* not well-formed (or no root element): line, col, msg */
    int line, col;        /* 1-based; 0 when libxml2 does not know */
    char msg[400];        /* libxml2's message, trailing blanks removed */
    bool entity;          /* the document declares an entity: refused */
    int entity_line;      /* the line of that declaration */
} xf_error;

/* Parse n bytes (n <= INT_MAX) of XML from memory with the policy above.
 * encoding: NULL to detect it (BOM, declaration), else the encoding the
 * bytes are in, overriding any declaration.  Returns a document with a
 * root element, or NULL with *e filled. */
xmlDocPtr xf_parse(const char *buf, size_t n, const char *encoding, xf_error *e);

#endif
