/*
 * ats_vocab.h - the keyword score's vocabulary (src/model/ats_words.c)
 * indexed for lookups at a token, and the rules for words outside it:
 * which shapes are technical names, which words are never terms.
 *
 * The index is built on first use and kept for the life of the process
 * (a worker's), like the other read-only tables: it never changes.
 */
#ifndef JT_ATS_VOCAB_H
#define JT_ATS_VOCAB_H

#include <stdbool.h>
#include <stddef.h>

#include "model/ats_text.h"

/* The longest vocabulary entry, heading or cue, in words. */
#define ATS_MAX_WORDS 6

/* Build the index (once; later calls return at once). */
void ats_vocab_load(void);

/* The canonical term tokens [i, i + n) of t name, or NULL: a phrase
 * spans only spaces, hyphens, slashes and ampersands; a plural finds its
 * singular ("APIs"); a one-word name-like variant ("Go") only where it
 * is written as a name. */
const char *ats_vocab_at(const struct ats_tokens *t, size_t i, size_t n);

/* The longest term starting at token i, or NULL; *span gets its tokens. */
const char *ats_vocab_longest(const struct ats_tokens *t, size_t i, size_t *span);

/* Is word (lower case) a one-word key of the vocabulary? */
bool ats_vocab_known(const char *word);

/* Does some entry of several words open with word? */
bool ats_opens_phrase(const char *word);

/* Is word (lower case) never a term of its own (ats_never)? */
bool ats_is_never(const char *word);

/* Is word (lower case) "and" or "or", the words that close a list? */
bool ats_conjunction(const char *word);

bool ats_capitalised(const struct ats_token *k);
bool ats_has_letter(const char *s);

/* The plural of an acronym is the acronym: "SLAs" -> sla, in k->s. */
bool ats_acronym_plural(struct ats_token *k);

/* Does token k look like a technical name on its own (not in the
 * vocabulary)?  shouting: k is on a line in capitals, where acronyms are
 * emphasis.  May shorten k->s (ats_acronym_plural). */
bool ats_technical(struct ats_token *k, bool shouting);

#endif
