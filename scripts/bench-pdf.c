/*
 * bench-pdf.c - the cost of typesetting a resume as a PDF: pdf_render()
 * from libjobtune.a, called RENDERS times in one process on the same JSON
 * Resume document, as a worker serving GET /api/resumes/{id}/pdf calls it.
 * scripts/bench compiles it against its build copy's libjobtune.a with the
 * flags jobtuned is built with.
 *
 *   bench-pdf RESUME.json RENDERS [a4|letter]
 *
 * Prints one line of key=value pairs: renders, pages and bytes (of the last
 * PDF), first_ms (the first render, which also loads fontconfig's
 * configuration and the fonts), median_ms, min_ms and max_ms (over all
 * renders, the first included).  RENDERS may be 0: the document is read
 * and nothing is rendered, which is the baseline of an instruction count
 * (`valgrind --tool=callgrind bench-pdf F 1` minus `... F 0` is one render).
 */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "svc/pdf.h"

static double now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

static size_t count(const unsigned char *buf, size_t len, const char *needle)
{
    size_t n = 0, nl = strlen(needle);
    const unsigned char *at = buf, *end = buf + len;

    while ((at = memmem(at, (size_t)(end - at), needle, nl)) != NULL) {
        n++;
        at += nl;
    }
    return n;
}

int main(int argc, char **argv)
{
    enum pdf_paper paper = PDF_A4;
    unsigned char *pdf = NULL;
    size_t len = 0, pages = 0;
    json_error_t jerr;
    json_t *resume;
    double *ms, t0, median = 0;
    long renders;
    char *end;

    if (argc < 3 || argc > 4) {
        fprintf(stderr, "usage: %s RESUME.json RENDERS [a4|letter]\n", argv[0]);
        return 2;
    }
    errno = 0;
    renders = strtol(argv[2], &end, 10);
    if (errno != 0 || *end != '\0' || renders < 0 || renders > 100000) {
        fprintf(stderr, "bench-pdf: RENDERS must be 0..100000\n");
        return 2;
    }
    if (argc == 4 && strcmp(argv[3], "letter") == 0)
        paper = PDF_LETTER;
    else if (argc == 4 && strcmp(argv[3], "a4") != 0) {
        fprintf(stderr, "bench-pdf: paper is a4 or letter\n");
        return 2;
    }
    resume = json_load_file(argv[1], 0, &jerr);
    if (resume == NULL) {
        fprintf(stderr, "bench-pdf: %s: %s (line %d)\n", argv[1], jerr.text, jerr.line);
        return 1;
    }
    ms = calloc(renders > 0 ? (size_t)renders : 1, sizeof(*ms));
    if (ms == NULL) {
        perror("bench-pdf");
        return 1;
    }
    for (long i = 0; i < renders; i++) {
        free(pdf);
        pdf = NULL;
        t0 = now_ms();
        if (pdf_render(resume, paper, NULL, &pdf, &len) != 0) {
            fprintf(stderr, "bench-pdf: pdf_render failed\n");
            return 1;
        }
        ms[i] = now_ms() - t0;
    }
    if (renders == 0) {
        printf("renders=0\n");
    } else {
        double first = ms[0];

        /* Pages: "/Type /Page" objects, not the "/Type /Pages" tree. */
        pages = count(pdf, len, "/Type /Page") - count(pdf, len, "/Type /Pages");
        qsort(ms, (size_t)renders, sizeof(*ms), by_value);
        median = renders % 2 ? ms[renders / 2] : (ms[renders / 2 - 1] + ms[renders / 2]) / 2;
        printf("renders=%ld pages=%zu bytes=%zu first_ms=%.3f median_ms=%.3f min_ms=%.3f "
               "max_ms=%.3f\n", renders, pages, len, first, median, ms[0], ms[renders - 1]);
    }
    free(pdf);
    free(ms);
    json_decref(resume);
    return 0;
}
