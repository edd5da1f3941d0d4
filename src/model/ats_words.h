/*
 * ats_words.h - the word lists behind the keyword score (src/model/ats.c):
 * what counts as a skill, how a job advert names its sections, which
 * sentences are boilerplate, and which words are never a requirement.
 *
 * Data only, so that a recruiter's view of a field can be extended without
 * reading the matcher.  Entries are written as a person writes them
 * ("CI/CD", "Node.js", "A/B testing"); ats.c puts each through the same
 * tokenizer as the texts, so spelling rules live in one place.
 */
#ifndef JT_ATS_WORDS_H
#define JT_ATS_WORDS_H

#include <stddef.h>

/*
 * Skills, tools, technologies, certifications, degrees: "canonical|variant|
 * ...".  The canonical spelling (lower case) is what the answer shows; any
 * variant in either text stands for it.  A variant marked '~' is also a
 * common English word or a letter ("Go", "C", "Rust", "Excel"): it counts
 * only where it is written as a name (capitalised, not hyphenated into
 * another word, not a sentence's first word followed by more words).
 */
extern const char *const ats_vocabulary[];
extern const size_t ats_vocabulary_count;

enum ats_section {
    ATS_SECTION_REQUIRED, /* requirements, and everything not marked otherwise */
    ATS_SECTION_PREFERRED, /* nice to have, bonus points */
    ATS_SECTION_DROPPED,  /* about us, benefits, pay, equal opportunity, how to apply */
};

/* A heading ("What we offer", "Nice to have:") and the section it opens. */
struct ats_heading {
    const char *words;
    enum ats_section section;
};
extern const struct ats_heading ats_headings[];
extern const size_t ats_headings_count;

/* Phrases that make the whole sentence around them preferred ("is a
 * plus") or boilerplate ("equal opportunity", "we offer"). */
extern const struct ats_heading ats_sentence_cues[];
extern const size_t ats_sentence_cues_count;

/* Words that are never a term of their own, whatever their shape: stop
 * words, places, pay and benefits, time zones, legal forms, job-title
 * words, acronyms of hiring (lower case). */
extern const char *const ats_never[];
extern const size_t ats_never_count;

#endif
