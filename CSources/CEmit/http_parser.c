/* Incremental HTTP/1.1 response parser: one byte at a time through a state machine, bulk skips
 * for bodies. Never reads outside the buffer it is given; keeps no pointers between calls. */
#include "CEmit.h"
#include <string.h>
#include <strings.h>

enum {
    S_PROTO = 0, S_VERSION, S_CODE, S_REASON, S_STATUS_LF,
    S_HDR_START, S_HDR_NAME, S_HDR_VALUE_WS, S_HDR_VALUE, S_HDR_LF, S_HDRS_END_LF,
    S_BODY_LENGTH, S_BODY_CLOSE,
    S_CHUNK_SIZE, S_CHUNK_EXT, S_CHUNK_SIZE_LF, S_CHUNK_DATA, S_CHUNK_DATA_CR, S_CHUNK_DATA_LF,
    S_TRAILER_START, S_TRAILER_LINE, S_TRAILER_LF, S_TRAILER_END_LF,
    S_DONE
};

enum { F_CHUNKED = 1, F_HAS_CL = 2, F_CLOSE = 4, F_CL_DIGIT = 8, F_CL_END = 16, F_HTTP10 = 32, F_KEEPALIVE = 64 };
enum { H_CL = 1, H_TE = 2, H_CONN = 4 };

static const char *const header_names[3] = {"content-length", "transfer-encoding", "connection"};
static const uint32_t header_lengths[3] = {14, 17, 10};

static inline uint8_t lower(uint8_t c) { return (c >= 'A' && c <= 'Z') ? (uint8_t)(c + 32) : c; }
/* RFC 9110 tchar. */
static const uint8_t token_table[256] = {
    ['!'] = 1, ['#'] = 1, ['$'] = 1, ['%'] = 1, ['&'] = 1, ['\''] = 1, ['*'] = 1, ['+'] = 1, ['-'] = 1, ['.'] = 1,
    ['^'] = 1, ['_'] = 1, ['`'] = 1, ['|'] = 1, ['~'] = 1,
    ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1,
    ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1, ['G'] = 1, ['H'] = 1, ['I'] = 1, ['J'] = 1,
    ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1,
    ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1, ['Y'] = 1, ['Z'] = 1,
    ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1, ['h'] = 1, ['i'] = 1, ['j'] = 1,
    ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1,
    ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1, ['y'] = 1, ['z'] = 1,
};
static inline int is_token(uint8_t c) { return token_table[c]; }

void cemit_http_parser_init(cemit_http_parser *p, uint32_t max_header_bytes) {
    *p = (cemit_http_parser){0};
    p->max_header_bytes = max_header_bytes ? max_header_bytes : 8192;
    p->state = S_PROTO;
}

void cemit_http_parser_set_head(cemit_http_parser *p, int answers_head) {
    p->no_body = answers_head ? 1 : 0;
}

int cemit_http_request_is_head(const uint8_t *request, size_t length) {
    return length >= 5 && memcmp(request, "HEAD ", 5) == 0;
}

/* Substring matcher for a value token ("chunked", "close", "keep-alive"). */
static inline uint32_t match_step(uint32_t matched, uint8_t c, const char *word) {
    c = lower(c);
    if (word[matched] == (char)c) return matched + 1;
    return word[0] == (char)c ? 1 : 0;
}

static int end_of_headers(cemit_http_parser *p) {
    if (p->status >= 100 && p->status < 200) { /* informational: the real response follows */
        uint32_t max = p->max_header_bytes; uint8_t nb = p->no_body;
        *p = (cemit_http_parser){0};
        p->max_header_bytes = max; p->no_body = nb; p->state = S_PROTO;
        return CEMIT_HTTP_MORE;
    }
    if ((p->flags & F_CLOSE) || ((p->flags & F_HTTP10) && !(p->flags & F_KEEPALIVE))) p->closes = 1;
    if (p->no_body || p->status == 204 || p->status == 304) { p->state = S_DONE; return CEMIT_HTTP_DONE; }
    if (p->flags & F_CHUNKED) { p->state = S_CHUNK_SIZE; p->remaining = 0; p->aux = 0; return CEMIT_HTTP_MORE; }
    if (p->flags & F_HAS_CL) {
        if (!(p->flags & F_CL_DIGIT)) return CEMIT_EPARSE_LENGTH;
        if (p->content_length == 0) { p->state = S_DONE; return CEMIT_HTTP_DONE; }
        p->remaining = p->content_length; p->state = S_BODY_LENGTH; return CEMIT_HTTP_MORE;
    }
    p->closes = 1;
    p->state = S_BODY_CLOSE;
    return CEMIT_HTTP_MORE;
}


/* Whole-line fast paths. They only commit when the complete line is in the buffer and well
 * formed; anything unusual falls back to the byte-by-byte machine, which reports exact offsets. */
static int line_fast(cemit_http_parser *p, const uint8_t *data, size_t i, size_t len, size_t *next) {
    const uint8_t *start = data + i;
    const uint8_t *nl = memchr(start, '\n', len - i);
    if (!nl) return 0;
    size_t total = (size_t)(nl - start) + 1;
    if (p->header_bytes + total > p->max_header_bytes) return 0;
    size_t n = total - 1;
    if (n && start[n - 1] == '\r') n--;
    if (memchr(start, '\r', n)) return 0;
    if (p->state == S_PROTO) {
        if (n < 12 || memcmp(start, "HTTP/1.", 7) != 0 || start[7] < '0' || start[7] > '9' || start[8] != ' ') return 0;
        if (start[9] < '0' || start[9] > '9' || start[10] < '0' || start[10] > '9' || start[11] < '0' || start[11] > '9') return 0;
        if (n > 12 && start[12] != ' ') return 0;
        for (size_t k = 12; k < n; k++) if (start[k] < 32 && start[k] != '\t') return 0;
        if (start[7] == '0') p->flags |= F_HTTP10;
        p->status = (start[9] - '0') * 100 + (start[10] - '0') * 10 + (start[11] - '0');
    } else { /* S_HDR_START: a header line (not the empty one) */
        if (n == 0) return 0;
        const uint8_t *colon = memchr(start, ':', n);
        if (!colon || colon == start) return 0;
        size_t name_len = (size_t)(colon - start);
        for (size_t k = 0; k < name_len; k++) if (!token_table[start[k]]) return 0;
        for (size_t k = name_len + 1; k < n; k++) if (start[k] < 32 && start[k] != '\t') return 0;
        if ((name_len == 17 && strncasecmp((const char *)start, "transfer-encoding", 17) == 0) ||
            (name_len == 10 && strncasecmp((const char *)start, "connection", 10) == 0))
            return 0;
        if (name_len == 14 && strncasecmp((const char *)start, "content-length", 14) == 0) {
            if (p->flags & F_HAS_CL) return 0;
            size_t k = name_len + 1;
            while (k < n && (start[k] == ' ' || start[k] == '\t')) k++;
            uint64_t v = 0;
            size_t digits = 0;
            while (k < n && start[k] >= '0' && start[k] <= '9') {
                if (v > (UINT64_MAX - 9) / 10) return 0;
                v = v * 10 + (uint64_t)(start[k] - '0');
                k++; digits++;
            }
            while (k < n && (start[k] == ' ' || start[k] == '\t')) k++;
            if (!digits || k != n) return 0;
            p->flags |= F_HAS_CL | F_CL_DIGIT;
            p->content_length = v;
        }
    }
    p->header_bytes += (uint32_t)total;
    p->state = S_HDR_START;
    p->aux = 0;
    *next = i + total;
    return 1;
}

/* Called at the end of a header value. */
static int finish_header(cemit_http_parser *p) {
    uint32_t which = p->match >> 24;
    if (which == H_TE && (p->aux & 0xff) == 7) p->flags |= F_CHUNKED;
    if (which == H_CONN) {
        if ((p->aux & 0xff) == 5) p->flags |= F_CLOSE;
        if (((p->aux >> 8) & 0xff) == 10) p->flags |= F_KEEPALIVE;
    }
    return 0;
}

#define FAIL(code) do { *consumed = i; return (code); } while (0)
int cemit_http_parse(cemit_http_parser *p, const uint8_t *data, size_t len, size_t *consumed) {
    size_t i = 0;
    int rc;
    while (i < len) {
        uint32_t st = p->state;
        if ((st == S_HDR_START || (st == S_PROTO && p->aux == 0)) && data[i] != '\r' && data[i] != '\n') {
            size_t next;
            if (line_fast(p, data, i, len, &next)) { i = next; continue; }
        }
        if (st == S_REASON || (st == S_HDR_VALUE && (p->match >> 24) == 0)) {
            /* Fast path: nothing to interpret up to the end of the line. */
            const uint8_t *nl = memchr(data + i, '\n', len - i);
            size_t stop = nl ? (size_t)(nl - data) : len;
            size_t span = stop - i;
            if (p->header_bytes + span > p->max_header_bytes) {
                i += p->max_header_bytes - p->header_bytes;
                FAIL(CEMIT_EPARSE_TOOBIG);
            }
            const uint8_t *cr = span ? memchr(data + i, '\r', span) : NULL;
            size_t cr_at = cr ? (size_t)(cr - data) : len;
            if (cr && cr_at + 1 < stop) { i = cr_at + 1; FAIL(st == S_REASON ? CEMIT_EPARSE_STATUS : CEMIT_EPARSE_HEADER); }
            p->header_bytes += (uint32_t)span;
            if (!nl) {
                if (cr) p->state = (st == S_REASON) ? S_STATUS_LF : S_HDR_LF;
                *consumed = len;
                return CEMIT_HTTP_MORE;
            }
            i = stop; /* at the '\n' */
            if (++p->header_bytes > p->max_header_bytes) FAIL(CEMIT_EPARSE_TOOBIG);
            if (st == S_HDR_VALUE) finish_header(p);
            p->state = S_HDR_START;
            i++;
            continue;
        }
        uint8_t c = data[i];
        if (st < S_BODY_LENGTH) {
            if (++p->header_bytes > p->max_header_bytes) FAIL(CEMIT_EPARSE_TOOBIG);
        }
        switch (st) {
        case S_PROTO: {
            static const char proto[] = "HTTP/";
            if ((char)c != proto[p->aux]) FAIL(CEMIT_EPARSE_STATUS);
            if (++p->aux == 5) { p->aux = 0; p->state = S_VERSION; }
            break;
        }
        case S_VERSION: /* d.d then space */
            if (p->aux == 0 || p->aux == 2) {
                if (c < '0' || c > '9') FAIL(CEMIT_EPARSE_STATUS);
                if (p->aux == 2 && c == '0') p->flags |= F_HTTP10; /* "1.0" (minor digit 0) */
                p->aux++;
            } else if (p->aux == 1) {
                if (c != '.') FAIL(CEMIT_EPARSE_STATUS);
                p->aux++;
            } else {
                if (c != ' ') FAIL(CEMIT_EPARSE_STATUS);
                p->aux = 0; p->state = S_CODE;
            }
            break;
        case S_CODE:
            if (p->aux < 3) {
                if (c < '0' || c > '9') FAIL(CEMIT_EPARSE_STATUS);
                p->status = p->status * 10 + (c - '0');
                p->aux++;
            } else if (c == ' ') { p->state = S_REASON; }
            else if (c == '\r') { p->state = S_STATUS_LF; }
            else if (c == '\n') { p->state = S_HDR_START; }
            else FAIL(CEMIT_EPARSE_STATUS);
            break;
        case S_REASON:
            if (c == '\r') p->state = S_STATUS_LF;
            else if (c == '\n') p->state = S_HDR_START;
            else if (c < 32 && c != '\t') FAIL(CEMIT_EPARSE_STATUS);
            break;
        case S_STATUS_LF:
            if (c != '\n') FAIL(CEMIT_EPARSE_STATUS);
            p->state = S_HDR_START;
            break;
        case S_HDR_START:
            if (c == '\r') { p->state = S_HDRS_END_LF; break; }
            if (c == '\n') {
                rc = end_of_headers(p);
                if (rc == CEMIT_HTTP_DONE) { *consumed = i + 1; return rc; }
                if (rc < 0) FAIL(rc);
                break;
            }
            if (!is_token(c)) FAIL(CEMIT_EPARSE_HEADER);
            p->match = 7u; /* all candidates, position 0 */
            p->state = S_HDR_NAME;
            /* fall through to match this first character */
            /* FALLTHROUGH */
        case S_HDR_NAME:
            if (c == ':') {
                uint32_t cands = p->match & 0xff, pos = (p->match >> 8) & 0xffff, which = 0;
                for (uint32_t k = 0; k < 3; k++)
                    if ((cands & (1u << k)) && header_lengths[k] == pos) which = 1u << k;
                if (pos == 0) FAIL(CEMIT_EPARSE_HEADER);
                p->match = which << 24;
                p->aux = 0;
                if (which == H_CL) {
                    if (p->flags & F_HAS_CL) FAIL(CEMIT_EPARSE_LENGTH); /* duplicate */
                    p->flags |= F_HAS_CL;
                    p->content_length = 0;
                }
                p->state = S_HDR_VALUE_WS;
            } else {
                if (!is_token(c)) FAIL(CEMIT_EPARSE_HEADER);
                uint32_t cands = p->match & 0xff, pos = (p->match >> 8) & 0xffff;
                uint8_t lc = lower(c);
                for (uint32_t k = 0; k < 3; k++)
                    if ((cands & (1u << k)) && (pos >= header_lengths[k] || (uint8_t)header_names[k][pos] != lc))
                        cands &= ~(1u << k);
                if (pos < 0xffff) pos++;
                p->match = cands | (pos << 8);
            }
            break;
        case S_HDR_VALUE_WS:
            if (c == ' ' || c == '\t') break;
            p->state = S_HDR_VALUE;
            /* FALLTHROUGH */
        case S_HDR_VALUE:
            if (c == '\r' || c == '\n') {
                finish_header(p);
                p->state = (c == '\r') ? S_HDR_LF : S_HDR_START;
                break;
            }
            if (c < 32 && c != '\t') FAIL(CEMIT_EPARSE_HEADER);
            switch (p->match >> 24) {
            case H_CL:
                if (c >= '0' && c <= '9') {
                    if (p->flags & F_CL_END) FAIL(CEMIT_EPARSE_LENGTH);
                    if (p->content_length > (UINT64_MAX - 9) / 10) FAIL(CEMIT_EPARSE_LENGTH);
                    p->content_length = p->content_length * 10 + (uint64_t)(c - '0');
                    p->flags |= F_CL_DIGIT;
                } else if (c == ' ' || c == '\t') {
                    if (p->flags & F_CL_DIGIT) p->flags |= F_CL_END;
                } else FAIL(CEMIT_EPARSE_LENGTH);
                break;
            case H_TE:
                if ((p->aux & 0xff) < 7) p->aux = match_step(p->aux & 0xff, c, "chunked");
                else if (c != ' ' && c != '\t') p->aux = 0; /* chunked must be the last coding */
                break;
            case H_CONN: {
                uint32_t a = p->aux & 0xff, b = (p->aux >> 8) & 0xff;
                if (a < 5) a = match_step(a, c, "close");
                if (b < 10) b = match_step(b, c, "keep-alive");
                p->aux = a | (b << 8);
                break;
            }
            default: break;
            }
            break;
        case S_HDR_LF:
            if (c != '\n') FAIL(CEMIT_EPARSE_HEADER);
            p->state = S_HDR_START;
            break;
        case S_HDRS_END_LF:
            if (c != '\n') FAIL(CEMIT_EPARSE_HEADER);
            rc = end_of_headers(p);
            if (rc == CEMIT_HTTP_DONE) { *consumed = i + 1; return rc; }
            if (rc < 0) FAIL(rc);
            break;
        case S_BODY_LENGTH: {
            size_t avail = len - i;
            if ((uint64_t)avail >= p->remaining) {
                i += (size_t)p->remaining;
                p->body_bytes += p->remaining;
                p->remaining = 0;
                p->state = S_DONE;
                *consumed = i;
                return CEMIT_HTTP_DONE;
            }
            p->remaining -= avail;
            p->body_bytes += avail;
            i = len;
            continue;
        }
        case S_BODY_CLOSE:
            p->body_bytes += len - i;
            i = len;
            continue;
        case S_CHUNK_SIZE: {
            int v = -1;
            if (c >= '0' && c <= '9') v = c - '0';
            else if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
            else if (c >= 'A' && c <= 'F') v = c - 'A' + 10;
            if (v >= 0) {
                if (p->remaining >> 56) FAIL(CEMIT_EPARSE_CHUNK);
                p->remaining = (p->remaining << 4) | (uint64_t)v;
                p->aux = 1;
            } else if (!p->aux) FAIL(CEMIT_EPARSE_CHUNK);
            else if (c == ';' || c == ' ' || c == '\t') p->state = S_CHUNK_EXT;
            else if (c == '\r') p->state = S_CHUNK_SIZE_LF;
            else if (c == '\n') goto chunk_size_done;
            else FAIL(CEMIT_EPARSE_CHUNK);
            break;
        }
        case S_CHUNK_EXT:
            if (c == '\r') p->state = S_CHUNK_SIZE_LF;
            else if (c == '\n') goto chunk_size_done;
            break;
        case S_CHUNK_SIZE_LF:
            if (c != '\n') FAIL(CEMIT_EPARSE_CHUNK);
        chunk_size_done:
            p->aux = 0;
            p->state = p->remaining ? S_CHUNK_DATA : S_TRAILER_START;
            break;
        case S_CHUNK_DATA: {
            size_t avail = len - i;
            if ((uint64_t)avail >= p->remaining) {
                i += (size_t)p->remaining;
                p->body_bytes += p->remaining;
                p->remaining = 0;
                p->state = S_CHUNK_DATA_CR;
            } else {
                p->remaining -= avail;
                p->body_bytes += avail;
                i = len;
            }
            continue;
        }
        case S_CHUNK_DATA_CR:
            if (c == '\r') p->state = S_CHUNK_DATA_LF;
            else if (c == '\n') { p->state = S_CHUNK_SIZE; p->aux = 0; }
            else FAIL(CEMIT_EPARSE_CHUNK);
            break;
        case S_CHUNK_DATA_LF:
            if (c != '\n') FAIL(CEMIT_EPARSE_CHUNK);
            p->state = S_CHUNK_SIZE; p->aux = 0; p->remaining = 0;
            break;
        case S_TRAILER_START:
            if (++p->header_bytes > p->max_header_bytes) FAIL(CEMIT_EPARSE_TOOBIG);
            if (c == '\r') p->state = S_TRAILER_END_LF;
            else if (c == '\n') { p->state = S_DONE; *consumed = i + 1; return CEMIT_HTTP_DONE; }
            else p->state = S_TRAILER_LINE;
            break;
        case S_TRAILER_LINE:
            if (++p->header_bytes > p->max_header_bytes) FAIL(CEMIT_EPARSE_TOOBIG);
            if (c == '\r') p->state = S_TRAILER_LF;
            else if (c == '\n') p->state = S_TRAILER_START;
            break;
        case S_TRAILER_LF:
            if (c != '\n') FAIL(CEMIT_EPARSE_CHUNK);
            p->state = S_TRAILER_START;
            break;
        case S_TRAILER_END_LF:
            if (c != '\n') FAIL(CEMIT_EPARSE_CHUNK);
            p->state = S_DONE;
            *consumed = i + 1;
            return CEMIT_HTTP_DONE;
        case S_DONE:
        default:
            *consumed = i;
            return CEMIT_HTTP_DONE;
        }
        i++;
    }
    *consumed = len;
    return CEMIT_HTTP_MORE;
}

#undef FAIL

int cemit_http_parse_eof(cemit_http_parser *p) {
    if (p->state == S_BODY_CLOSE || p->state == S_DONE) { p->state = S_DONE; return CEMIT_HTTP_DONE; }
    return CEMIT_HTTP_MORE;
}
