/*
 * labels.c -- where a chart's text labels go, so that none overlaps
 * another or a marker, and none runs off the area it belongs to.
 *
 * A label's box is estimated from its characters and font size, the
 * same way everywhere (rp_text_width, rp_text_box; tests/test_report.c
 * checks the charts with the same estimate, and tests/report/chromium.sh
 * checks the real boxes in a browser).  The estimate is wider than
 * DejaVu Sans, the common sans-serif, draws: narrow letters (i, l, t, ...)
 * 0.4 em, wide ones (m, w, M, W) 1.0 em, capitals 0.75 em, the rest 0.65
 * em, any non-ASCII character 1.0 em; bold 12% wider.  A box runs from
 * 1.0 em above the baseline to 0.3 em below it.
 *
 * Placement is greedy and deterministic: labels are placed in the order
 * given, each at the first free spot among positions around its anchor --
 * right-above, right-below, left-above, left-below, above, below, right,
 * left -- at growing distances; when no ring has room, the free spot of a
 * 4-pixel grid nearest the anchor.  Free means inside the area, and
 * RP_LABEL_GAP pixels clear of every box already taken (labels and
 * markers).  A label not beside its anchor gets a leader line.
 */
#include "report/rp.h"

#include <math.h>
#include <string.h>

#define RP_RING_STEP 8.0 /* pixels between rings of candidate positions */
#define RP_GRID 4.0      /* the last resort's grid */

double rp_text_width(const char *s, double fs, bool bold)
{
    double em = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        unsigned char c = *p;
        if (c >= 0x80) {
            if ((c & 0xC0) != 0x80) /* one per code point, not per byte */
                em += 1.0;
        } else if (strchr("mwMW", c)) {
            em += 1.0;
        } else if (strchr("ijlftrI.,:;'!|() ", c)) {
            em += 0.4;
        } else if (c >= 'A' && c <= 'Z') {
            em += 0.75;
        } else {
            em += 0.65;
        }
    }
    return em * fs * (bold ? 1.12 : 1.0);
}

rp_box rp_text_box(double x, double y, const char *s, double fs, bool bold, int anchor)
{
    double w = rp_text_width(s, fs, bold);
    double x0 = anchor < 0 ? x : anchor > 0 ? x - w : x - w / 2;
    return (rp_box){x0, y - fs, x0 + w, y + 0.3 * fs};
}

bool rp_box_overlap(const rp_box *a, const rp_box *b, double gap)
{
    return a->x0 < b->x1 + gap && b->x0 < a->x1 + gap && a->y0 < b->y1 + gap &&
           b->y0 < a->y1 + gap;
}

void rp_labels_init(rp_labels *L, double x0, double y0, double x1, double y1)
{
    memset(L, 0, sizeof *L);
    L->area = (rp_box){x0, y0, x1, y1};
}

void rp_labels_take(rp_labels *L, rp_box b)
{
    if (L->n < RP_MAX_TAKEN)
        L->taken[L->n++] = b;
}

static bool fits(const rp_labels *L, const rp_box *b)
{
    if (b->x0 < L->area.x0 || b->y0 < L->area.y0 || b->x1 > L->area.x1 || b->y1 > L->area.y1)
        return false;
    for (size_t k = 0; k < L->n; k++)
        if (rp_box_overlap(b, &L->taken[k], RP_LABEL_GAP))
            return false;
    return true;
}

/* The box of width w and height h on side (dx, dy) of (ax, ay), d away. */
static rp_box beside(double ax, double ay, double d, int dx, int dy, double w, double h)
{
    double x0 = dx > 0 ? ax + d : dx < 0 ? ax - d - w : ax - w / 2;
    double y0 = dy > 0 ? ay + d : dy < 0 ? ay - d - h : ay - h / 2;
    return (rp_box){x0, y0, x0 + w, y0 + h};
}

/* The free spot of the grid nearest (ax, ay), or false. */
static bool nearest_free(const rp_labels *L, double ax, double ay, double w, double h, rp_box *out)
{
    double best = INFINITY;
    for (double y0 = L->area.y0; y0 + h <= L->area.y1; y0 += RP_GRID)
        for (double x0 = L->area.x0; x0 + w <= L->area.x1; x0 += RP_GRID) {
            rp_box b = {x0, y0, x0 + w, y0 + h};
            double cx = x0 + w / 2 - ax, cy = y0 + h / 2 - ay, d2 = cx * cx + cy * cy;
            if (d2 < best && fits(L, &b)) {
                best = d2;
                *out = b;
            }
        }
    return best < INFINITY;
}

bool rp_labels_place(rp_labels *L, double ax, double ay, double r, const char *s, double fs,
                     bool bold, rp_placed *out)
{
    static const int dirs[8][2] = {{1, -1}, {1, 1}, {-1, -1}, {-1, 1},
                                   {0, -1}, {0, 1}, {1, 0},   {-1, 0}};
    double w = rp_text_width(s, fs, bold), h = 1.3 * fs;
    double reach = fmax(L->area.x1 - L->area.x0, L->area.y1 - L->area.y0);
    rp_box b = {0, 0, 0, 0};
    bool found = false, moved = false;
    for (int ring = 0; !found && r + ring * RP_RING_STEP < reach; ring++)
        for (int k = 0; k < 8 && !found; k++) {
            double d = r + RP_LABEL_GAP + 0.5 + ring * RP_RING_STEP;
            b = beside(ax, ay, d, dirs[k][0], dirs[k][1], w, h);
            found = fits(L, &b);
            moved = ring > 0;
        }
    if (!found) {
        found = nearest_free(L, ax, ay, w, h, &b);
        moved = true;
    }
    if (!found) { /* no room anywhere: beside the anchor, inside the area */
        b = beside(ax, ay, r + RP_LABEL_GAP + 0.5, 1, -1, w, h);
        double sx = fmax(0, b.x1 - L->area.x1), sy = fmax(0, L->area.y0 - b.y0);
        b = (rp_box){b.x0 - sx, b.y0 + sy, b.x1 - sx, b.y1 + sy};
        moved = false;
    }
    rp_labels_take(L, b);
    out->box = b;
    out->x = b.x0;
    out->y = b.y0 + fs;
    out->leader = moved;
    /* the leader runs from the anchor to the nearest point of the box */
    out->lx = fmin(fmax(ax, b.x0), b.x1);
    out->ly = fmin(fmax(ay, b.y0), b.y1);
    return found;
}

void rp_label_emit(px_buf *b, const rp_placed *p, double ax, double ay, const char *attrs,
                   const char *text)
{
    if (p->leader)
        parleyx_buf_printf(b,
                           "<line class=\"leader\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
                           "y2=\"%.1f\" stroke=\"#555\" stroke-width=\"0.8\"/>\n",
                           ax, ay, p->lx, p->ly);
    parleyx_buf_printf(b, "<text class=\"label\" x=\"%.1f\" y=\"%.1f\" %s>", p->x, p->y, attrs);
    rp_text(b, text);
    parleyx_buf_puts(b, "</text>\n");
}
