/*
 * xml_front.c -- xf_: libxml2 set up once, with one policy, for every XML
 * reader (see xml_front.h for the contract).
 *
 * How the policy is enforced: the parse runs on a memory parser context
 * whose SAX handlers are replaced where the policy needs it.  An entity
 * declaration (entityDecl, unparsedEntityDecl) stops the parser at once
 * and marks the parse refused, so a billion-laughs document or an external
 * entity naming a local file never expands; the external subset handler
 * does nothing and the resolver returns NULL, so no DTD or other file is
 * ever read; XML_PARSE_NONET forbids the network besides.  Entities are
 * not substituted (replaceEntities 0), the DTD is not loaded (loadsubset
 * 0) and nothing is validated.  Errors go to a structured handler that
 * keeps the first one (libxml2 prints nothing: NOERROR, NOWARNING).
 *
 * Invariant: the context's _private points at the caller's xf_error for
 * the whole parse, and the context is freed before xf_parse returns; only
 * the document survives, and only when the parse was well-formed, refused
 * nothing and produced a root element.
 */
#include "io/xml_front.h"

#include <stdio.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlversion.h>

#if LIBXML_VERSION >= 21200
#define XF_XMLERR const xmlError *
#else
#define XF_XMLERR xmlErrorPtr
#endif

static void xf_on_error(void *ud, XF_XMLERR e)
{
    xmlParserCtxtPtr ctxt = ud;
    xf_error *xe = ctxt ? ctxt->_private : NULL;
    if (!xe || !e || e->level < XML_ERR_ERROR || xe->have)
        return;
    xe->have = true;
    xe->line = e->line;
    xe->col = e->int2;
    snprintf(xe->msg, sizeof xe->msg, "%s", e->message ? e->message : "malformed XML");
    size_t n = strlen(xe->msg);
    while (n && strchr(" \t\r\n", xe->msg[n - 1]))
        xe->msg[--n] = '\0';
}

static void xf_refuse_entity(xmlParserCtxtPtr ctxt)
{
    xf_error *xe = ctxt ? ctxt->_private : NULL;
    if (xe && !xe->entity) {
        xe->entity = true;
        xe->entity_line = ctxt->input ? ctxt->input->line : 0;
    }
    xmlStopParser(ctxt);
}

static void xf_on_entity_decl(void *ctx, const xmlChar *name, int type, const xmlChar *publicId,
                              const xmlChar *systemId, xmlChar *content)
{
    xf_refuse_entity(ctx);
}

static void xf_on_unparsed_entity_decl(void *ctx, const xmlChar *name, const xmlChar *publicId,
                                       const xmlChar *systemId, const xmlChar *notationName)
{
    xf_refuse_entity(ctx);
}

static void xf_on_external_subset(void *ctx, const xmlChar *name, const xmlChar *ExternalID,
                                  const xmlChar *SystemID)
{
    /* never load an external DTD */
}

static xmlParserInputPtr xf_on_resolve(void *ctx, const xmlChar *publicId, const xmlChar *systemId)
{
    return NULL; /* never resolve anything outside the document */
}

/* The context with the policy's options and handlers. */
static xmlParserCtxtPtr xf_context(const char *buf, size_t n, const char *encoding, xf_error *e)
{
    xmlParserCtxtPtr ctxt = xmlCreateMemoryParserCtxt(buf, (int)n);
    if (!ctxt)
        return NULL;
    xmlCtxtUseOptions(ctxt, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
                                XML_PARSE_BIG_LINES | XML_PARSE_COMPACT);
    ctxt->_private = e;
    ctxt->sax->serror = xf_on_error;
    ctxt->sax->entityDecl = xf_on_entity_decl;
    ctxt->sax->unparsedEntityDecl = xf_on_unparsed_entity_decl;
    ctxt->sax->externalSubset = xf_on_external_subset;
    ctxt->sax->resolveEntity = xf_on_resolve;
    ctxt->replaceEntities = 0;
    ctxt->loadsubset = 0;
    ctxt->validate = 0;
    if (encoding) {
        xmlCharEncodingHandlerPtr h = xmlFindCharEncodingHandler(encoding);
        if (h)
            xmlSwitchToEncoding(ctxt, h);
    }
    return ctxt;
}

xmlDocPtr xf_parse(const char *buf, size_t n, const char *encoding, xf_error *e)
{
    memset(e, 0, sizeof *e);
    xmlInitParser();
    xmlParserCtxtPtr ctxt = xf_context(buf, n, encoding, e);
    if (!ctxt)
        return NULL;
    xmlParseDocument(ctxt);
    xmlDocPtr doc = ctxt->myDoc;
    ctxt->myDoc = NULL;
    bool ok = ctxt->wellFormed && !e->entity && doc && xmlDocGetRootElement(doc);
    if (!ok) {
        if (!e->have && !e->entity) {
            XF_XMLERR last = xmlCtxtGetLastError(ctxt);
            if (last && last->code != XML_ERR_OK) {
                xf_on_error(ctxt, last);
            } else {
                e->have = true;
                e->line = ctxt->input ? ctxt->input->line : 0;
                snprintf(e->msg, sizeof e->msg, "no root element");
            }
        }
        if (doc)
            xmlFreeDoc(doc);
        doc = NULL;
    }
    xmlFreeParserCtxt(ctxt);
    return doc;
}
