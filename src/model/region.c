/*
 * region.c - the privacy regime table, the rights of each regime, and the
 * ISO 3166 codes, as data.
 *
 * The rule: a place listed in regime_rules gets its row's regime; a
 * subdivision without a row of its own gets its country's `elsewhere`
 * regime (so US-TX is baseline) while an unknown subdivision gets the
 * country's own regime (so "somewhere in the US" is CCPA, the stricter
 * guess); any other assigned country is baseline; anything unknown is GDPR,
 * the strictest.  Every regime answers within REGION_RESPONSE_DAYS, the
 * policy's promise.
 */
#include "model/region.h"

#include <stdio.h>
#include <string.h>

#define REGION_STR_(x) #x
#define REGION_STR(x) REGION_STR_(x)
#define RESPONSE_DAYS_TEXT REGION_STR(REGION_RESPONSE_DAYS) " days"

/* ---- ISO 3166-1 alpha-2: the 249 officially assigned codes ------------- */

static const char iso_countries[][3] = {
    "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW",
    "AX", "AZ",
    "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ",
    "BR", "BS", "BT", "BV", "BW", "BY", "BZ",
    "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN", "CO", "CR", "CU",
    "CV", "CW", "CX", "CY", "CZ",
    "DE", "DJ", "DK", "DM", "DO", "DZ",
    "EC", "EE", "EG", "EH", "ER", "ES", "ET",
    "FI", "FJ", "FK", "FM", "FO", "FR",
    "GA", "GB", "GD", "GE", "GF", "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR",
    "GS", "GT", "GU", "GW", "GY",
    "HK", "HM", "HN", "HR", "HT", "HU",
    "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT",
    "JE", "JM", "JO", "JP",
    "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ",
    "LA", "LB", "LC", "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY",
    "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK", "ML", "MM", "MN", "MO", "MP", "MQ",
    "MR", "MS", "MT", "MU", "MV", "MW", "MX", "MY", "MZ",
    "NA", "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ",
    "OM",
    "PA", "PE", "PF", "PG", "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY",
    "QA",
    "RE", "RO", "RS", "RU", "RW",
    "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO",
    "SR", "SS", "ST", "SV", "SX", "SY", "SZ",
    "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO", "TR", "TT", "TV",
    "TW", "TZ",
    "UA", "UG", "UM", "US", "UY", "UZ",
    "VA", "VC", "VE", "VG", "VI", "VN", "VU",
    "WF", "WS",
    "YE", "YT",
    "ZA", "ZM", "ZW",
};

/* ---- the regime table --------------------------------------------------- */

struct regime_rule {
    const char *code;             /* ISO 3166-1 or ISO 3166-2 */
    enum region_regime regime;    /* the place; for a country, also when the
                                   * subdivision is not known */
    enum region_regime elsewhere; /* a known subdivision without a row */
};

#define WHOLE(code, regime) {code, regime, regime}

static const struct regime_rule regime_rules[] = {
    /* The EU-27 (GDPR). */
    WHOLE("AT", REGION_GDPR), WHOLE("BE", REGION_GDPR), WHOLE("BG", REGION_GDPR),
    WHOLE("CY", REGION_GDPR), WHOLE("CZ", REGION_GDPR), WHOLE("DE", REGION_GDPR),
    WHOLE("DK", REGION_GDPR), WHOLE("EE", REGION_GDPR), WHOLE("ES", REGION_GDPR),
    WHOLE("FI", REGION_GDPR), WHOLE("FR", REGION_GDPR), WHOLE("GR", REGION_GDPR),
    WHOLE("HR", REGION_GDPR), WHOLE("HU", REGION_GDPR), WHOLE("IE", REGION_GDPR),
    WHOLE("IT", REGION_GDPR), WHOLE("LT", REGION_GDPR), WHOLE("LU", REGION_GDPR),
    WHOLE("LV", REGION_GDPR), WHOLE("MT", REGION_GDPR), WHOLE("NL", REGION_GDPR),
    WHOLE("PL", REGION_GDPR), WHOLE("PT", REGION_GDPR), WHOLE("RO", REGION_GDPR),
    WHOLE("SE", REGION_GDPR), WHOLE("SI", REGION_GDPR), WHOLE("SK", REGION_GDPR),
    /* Parts of the EU with ISO codes of their own (GeoIP reports them so):
     * Åland, and France's outermost regions. */
    WHOLE("AX", REGION_GDPR), WHOLE("GF", REGION_GDPR), WHOLE("GP", REGION_GDPR),
    WHOLE("MF", REGION_GDPR), WHOLE("MQ", REGION_GDPR), WHOLE("RE", REGION_GDPR),
    WHOLE("YT", REGION_GDPR),
    /* The rest of the EEA (GDPR by the EEA Agreement). */
    WHOLE("IS", REGION_GDPR), WHOLE("LI", REGION_GDPR), WHOLE("NO", REGION_GDPR),
    /* The UK GDPR and Switzerland's FADP: the same rights. */
    WHOLE("GB", REGION_GDPR), WHOLE("CH", REGION_GDPR),
    /* California (CCPA as amended by the CPRA).  Elsewhere in the US the
     * baseline applies; a US address whose state is not known gets CCPA. */
    WHOLE("US-CA", REGION_CCPA),
    {"US", REGION_CCPA, REGION_BASELINE},
};

/* ---- the rights of each regime ----------------------------------------- */

struct region_right {
    const char *id, *name, *description;
};

#define DELETION_HOW "Send a support request with the subject \"Data Deletion Request\"; " \
                     "we act on it within " RESPONSE_DAYS_TEXT "."

static const struct region_right gdpr_rights[] = {
    {"access", "Right of access",
     "Get a copy of the personal data we hold about you and learn how we use it."},
    {"rectification", "Right to rectification",
     "Have inaccurate or incomplete personal data about you corrected."},
    {"erasure", "Right to erasure",
     "Have your account, resumes and interview records deleted. " DELETION_HOW},
    {"restriction", "Right to restriction of processing",
     "Have us only store your data, and not otherwise use it, while its accuracy or our "
     "use of it is in dispute."},
    {"portability", "Right to data portability",
     "Receive the data you gave us in a structured, machine-readable format, and take it "
     "elsewhere."},
    {"objection", "Right to object",
     "Object to our use of your data for our legitimate interests, such as product "
     "analytics."},
    {"withdraw_consent", "Right to withdraw consent",
     "Withdraw any consent you gave, such as to analytics, at any time, as easily as you "
     "gave it."},
    {"complaint", "Right to lodge a complaint",
     "Complain to a data protection supervisory authority, in particular where you live "
     "or work."},
};

static const struct region_right ccpa_rights[] = {
    {"know", "Right to know",
     "Know what personal information we collect, why, and who receives it, and get a copy "
     "of it."},
    {"delete", "Right to delete",
     "Have the personal information we collected from you deleted. " DELETION_HOW},
    {"correct", "Right to correct",
     "Have inaccurate personal information about you corrected."},
    {"opt_out_of_sale_or_sharing", "Right to opt out of sale or sharing",
     "Direct us not to sell or share your personal information. We never sell it."},
    {"limit_sensitive", "Right to limit use of sensitive personal information",
     "Limit our use of sensitive personal information to what providing the service "
     "needs."},
    {"non_discrimination", "Right to non-discrimination",
     "Using any of these rights never changes the price or the quality of the service "
     "you get."},
};

/* The rights the policy promises everyone. */
static const struct region_right baseline_rights[] = {
    {"access", "Right to access",
     "Request a copy of all personal data we hold about you."},
    {"deletion", "Right to deletion",
     "Request permanent deletion of your account, resumes and interview records at any "
     "time. " DELETION_HOW},
    {"portability", "Right to portability",
     "Export your resume data in PDF format directly from the platform at any time."},
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const struct regime_info {
    const char *name;
    const char *analytics; /* "opt-in": off until consented; "opt-out": on until refused */
    const struct region_right *rights;
    size_t nrights;
} regimes[] = {
    [REGION_GDPR] = {"gdpr", "opt-in", gdpr_rights, COUNT(gdpr_rights)},
    [REGION_CCPA] = {"ccpa", "opt-out", ccpa_rights, COUNT(ccpa_rights)},
    [REGION_BASELINE] = {"baseline", "opt-out", baseline_rights, COUNT(baseline_rights)},
};

/* ---- codes -------------------------------------------------------------- */

static bool is_upper(char c)
{
    return c >= 'A' && c <= 'Z';
}

static bool is_upper_alnum(char c)
{
    return is_upper(c) || (c >= '0' && c <= '9');
}

bool region_is_country(const char *code)
{
    if (code == NULL || !is_upper(code[0]) || !is_upper(code[1]) || code[2] != '\0')
        return false;
    for (size_t i = 0; i < COUNT(iso_countries); i++)
        if (iso_countries[i][0] == code[0] && iso_countries[i][1] == code[1])
            return true;
    return false;
}

bool region_is_subdivision(const char *code, const char *country)
{
    char cc[3];
    size_t n;

    if (code == NULL)
        return false;
    n = strlen(code);
    if (n < 4 || n > 6 || code[2] != '-')
        return false;
    for (size_t i = 3; i < n; i++)
        if (!is_upper_alnum(code[i]))
            return false;
    memcpy(cc, code, 2);
    cc[2] = '\0';
    if (!region_is_country(cc))
        return false;
    return country == NULL || strcmp(cc, country) == 0;
}

bool region_subdivision_join(const char *country, const char *part,
                             char out[REGION_SUBDIVISION_SIZE])
{
    int n;

    out[0] = '\0';
    if (country == NULL || part == NULL || *part == '\0')
        return false;
    n = snprintf(out, REGION_SUBDIVISION_SIZE, "%s-%s", country, part);
    if (n < 0 || n >= REGION_SUBDIVISION_SIZE || !region_is_subdivision(out, country)) {
        out[0] = '\0';
        return false;
    }
    return true;
}

/* ---- regimes ------------------------------------------------------------ */

static const struct regime_rule *rule_for(const char *code)
{
    for (size_t i = 0; i < COUNT(regime_rules); i++)
        if (strcmp(regime_rules[i].code, code) == 0)
            return &regime_rules[i];
    return NULL;
}

enum region_regime region_regime_of(const char *country, const char *subdivision)
{
    const struct regime_rule *rule;
    bool has_subdivision;

    if (!region_is_country(country))
        return REGION_GDPR;
    has_subdivision = region_is_subdivision(subdivision, country);
    if (has_subdivision && (rule = rule_for(subdivision)) != NULL)
        return rule->regime;
    rule = rule_for(country);
    if (rule == NULL)
        return REGION_BASELINE;
    return has_subdivision ? rule->elsewhere : rule->regime;
}

const char *region_regime_name(enum region_regime r)
{
    return regimes[r].name;
}

static json_t *rights_json(const struct regime_info *info)
{
    json_t *rights = json_array();

    if (rights == NULL)
        return NULL;
    for (size_t i = 0; i < info->nrights; i++) {
        const struct region_right *r = &info->rights[i];

        if (json_array_append_new(rights, json_pack("{s:s, s:s, s:s}", "id", r->id,
                                                    "name", r->name, "description",
                                                    r->description)) != 0) {
            json_decref(rights);
            return NULL;
        }
    }
    return rights;
}

json_t *region_describe(const char *country, const char *subdivision, const char *source)
{
    const struct regime_info *info;
    json_t *rights;

    if (!region_is_country(country) || source == NULL) {
        country = subdivision = NULL;
        source = "default";
    } else if (!region_is_subdivision(subdivision, country)) {
        subdivision = NULL;
    }
    info = &regimes[region_regime_of(country, subdivision)];
    rights = rights_json(info);
    if (rights == NULL)
        return NULL;
    return json_pack("{s:s?, s:s?, s:s, s:s, s:s, s:i, s:o}",
                     "country", country, "subdivision", subdivision,
                     "regime", info->name, "source", source,
                     "analytics", info->analytics,
                     "responseDays", REGION_RESPONSE_DAYS, "rights", rights);
}
