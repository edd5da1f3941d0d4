/*
 * test_ticket_index.c - the staff's lists (store/ticket_index.c, and
 * tickets_page() and tickets_privacy_requests() of store/tickets.c)
 * against the in-memory database (fake_db.c): a page costs the same
 * number of operations with 300 tickets stored as with 3,000; the pages
 * list every ticket once, newest first; a status filter walks its own
 * list; a page stops after TICKETS_EXAMINED_MAX entries with a cursor to
 * go on; an entry its ticket does not name is skipped; the queue's floor
 * moves past the finished requests.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "fake_db.h"

#include "base/clock.h"
#include "store/store.h"
#include "store/ticket_index.h"
#include "store/tickets.h"

static int64_t filed; /* tickets filed so far, a second apart */

static void file_ticket(const char *status, bool deletion)
{
    char number[32];
    json_t *doc;

    snprintf(number, sizeof(number), "JT-%04lld-0000", (long long)filed);
    doc = json_pack("{s:s, s:s, s:s, s:o}", "_id", number, "status", status, "email",
                    "x@example.in", "createdAt", store_date(1700000000000LL + filed * 1000));
    if (deletion)
        json_object_set_new(doc, "privacyRequest",
                            json_pack("{s:s, s:s}", "type", "deletion", "status", "open"));
    CHECK_INT(tickets_insert(fake_db(), doc), STORE_OK);
    json_decref(doc);
    filed++;
}

static void file_until(int64_t n, const char *(*status_of)(int64_t))
{
    while (filed < n)
        file_ticket(status_of(filed), false);
}

static const char *every_tenth_open(int64_t k)
{
    return k % 10 == 0 ? "open" : "closed";
}

/* The operations one page takes. */
static uint64_t page_ops(const struct tickets_query *q, size_t *items)
{
    struct store_usage u;
    json_t *page = NULL;
    int64_t next = 0;

    store_usage_reset(fake_db());
    CHECK_INT(tickets_page(fake_db(), q, &page, &next), STORE_OK);
    store_usage(fake_db(), &u);
    *items = json_array_size(page);
    json_decref(page);
    return u.ops;
}

TEST(ticket_page_costs_the_page_not_the_count)
{
    struct tickets_query any = {.from_ms = -1, .to_ms = -1, .limit = 50};
    struct tickets_query open = {.status = "open", .from_ms = -1, .to_ms = -1, .limit = 20};
    uint64_t any_small, open_small;
    size_t items;

    fake_db_reset();
    filed = 0;
    file_until(300, every_tenth_open);
    any_small = page_ops(&any, &items);
    CHECK_INT(items, 50);
    open_small = page_ops(&open, &items);
    CHECK_INT(items, 20);
    file_until(3000, every_tenth_open);
    CHECK_INT(page_ops(&any, &items), any_small);
    CHECK_INT(items, 50);
    /* the open ones are a tenth, and the filter walks their own list */
    CHECK_INT(page_ops(&open, &items), open_small);
    CHECK_INT(items, 20);
    CHECK(open_small <= 20 * 2 + 6);
}

TEST(ticket_pages_list_every_ticket_once_newest_first)
{
    struct tickets_query q = {.from_ms = -1, .to_ms = -1, .limit = 7};
    int64_t expect, next = 0;
    int pages = 0;

    fake_db_reset();
    filed = 0;
    file_until(40, every_tenth_open);
    expect = filed - 1;
    do {
        json_t *page = NULL, *t;
        size_t i;

        q.after = next;
        CHECK_INT(tickets_page(fake_db(), &q, &page, &next), STORE_OK);
        json_array_foreach(page, i, t) {
            char number[32];

            snprintf(number, sizeof(number), "JT-%04lld-0000", (long long)expect--);
            CHECK_STR(json_string_value(json_object_get(t, "_id")), number);
        }
        json_decref(page);
        pages++;
    } while (next > 0 && pages < 20);
    CHECK_INT(expect, -1);
    CHECK_INT(pages, 6);

    /* a `to` day and a `from` bound: the binary search and the early stop */
    q = (struct tickets_query){.from_ms = 1700000000000LL + 10 * 1000,
                               .to_ms = 1700000000000LL + 20 * 1000, .limit = 100};
    {
        json_t *page = NULL;

        CHECK_INT(tickets_page(fake_db(), &q, &page, &next), STORE_OK);
        CHECK_INT(json_array_size(page), 10);
        CHECK_STR(json_string_value(json_object_get(json_array_get(page, 0), "_id")),
                  "JT-0019-0000");
        CHECK_INT(next, 0);
        json_decref(page);
    }
}

TEST(ticket_page_stops_after_its_walk_and_says_where_to_go_on)
{
    /* a status's list is in the order tickets took the status, so a
     * date filter cannot stop its walk: only the first ticket is before
     * `to`, and the walk passes over the others */
    struct tickets_query q = {.status = "open", .from_ms = -1,
                              .to_ms = 1700000000000LL + 1, .limit = 10};
    json_t *page = NULL;
    int64_t next = 0;

    fake_db_reset();
    filed = 0;
    while (filed < TICKETS_EXAMINED_MAX + 20)
        file_ticket("open", false);
    CHECK_INT(tickets_page(fake_db(), &q, &page, &next), STORE_OK);
    CHECK_INT(json_array_size(page), 0);
    CHECK_INT(next, filed - TICKETS_EXAMINED_MAX + 1);
    json_decref(page);
    q.after = next;
    CHECK_INT(tickets_page(fake_db(), &q, &page, &next), STORE_OK);
    CHECK_INT(json_array_size(page), 1);
    CHECK_INT(next, 0);
    json_decref(page);
}

TEST(ticket_entry_the_ticket_does_not_name_is_skipped)
{
    struct tickets_query q = {.from_ms = -1, .to_ms = -1, .limit = 10};
    json_t *page = NULL;
    int64_t n = 0, next = 0;

    fake_db_reset();
    filed = 0;
    file_until(3, every_tenth_open);
    /* a second entry for JT-0001 (a number that turned out to be taken) */
    CHECK_INT(ticket_index_add(fake_db(), TICKET_INDEX_ALL, "JT-0001-0000",
                               1700000000000LL + 5000, &n), STORE_OK);
    CHECK_INT(tickets_page(fake_db(), &q, &page, &next), STORE_OK);
    CHECK_INT(json_array_size(page), 3);
    json_decref(page);
}

TEST(ticket_queue_floor_moves_past_finished_requests)
{
    json_t *queue = NULL, *doc;
    int64_t floor = 0;

    fake_db_reset();
    filed = 0;
    for (int i = 0; i < 5; i++)
        file_ticket("open", true);
    for (int i = 0; i < 3; i++) {
        char number[32];

        snprintf(number, sizeof(number), "JT-%04d-0000", i);
        doc = fake_db_doc("tickets", number);
        json_object_set_new(json_object_get(doc, "privacyRequest"), "status",
                            json_string(i == 1 ? "closed" : "completed"));
    }
    CHECK_INT(tickets_privacy_requests(fake_db(), 500, &queue), STORE_OK);
    CHECK_INT(json_array_size(queue), 2);
    CHECK_STR(json_string_value(json_object_get(json_array_get(queue, 0), "_id")),
              "JT-0003-0000");
    json_decref(queue);
    CHECK_INT(ticket_index_floor(fake_db(), TICKET_INDEX_PRIVACY, &floor), STORE_OK);
    CHECK_INT(floor, 4);
    CHECK_INT(tickets_privacy_requests(fake_db(), 500, &queue), STORE_OK);
    CHECK_INT(json_array_size(queue), 2);
    json_decref(queue);
}

const struct unit_test ticket_index_tests[] = {
    {"ticket_page_costs_the_page_not_the_count", ticket_page_costs_the_page_not_the_count},
    {"ticket_pages_list_every_ticket_once_newest_first",
     ticket_pages_list_every_ticket_once_newest_first},
    {"ticket_page_stops_after_its_walk_and_says_where_to_go_on",
     ticket_page_stops_after_its_walk_and_says_where_to_go_on},
    {"ticket_entry_the_ticket_does_not_name_is_skipped",
     ticket_entry_the_ticket_does_not_name_is_skipped},
    {"ticket_queue_floor_moves_past_finished_requests",
     ticket_queue_floor_moves_past_finished_requests},
    {NULL, NULL},
};
