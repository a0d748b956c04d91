/* test_lm_history.c: the chat history: trimming by messages and bytes never splits an
 * exchange, the system prompt leads and is never trimmed, images are not replayed. */
#include "nodes/lm_history.h"
#include "testing.h"

TEST(lm_history_trims_whole_exchanges_to_the_message_limit) {
  lm_history h;
  lm_history_init(&h, 4, 0);
  char u[16], a[16];
  for (int i = 0; i < 5; i++) {
    snprintf(u, sizeof u, "u%d", i);
    snprintf(a, sizeof a, "a%d", i);
    CHECK(lm_history_add(&h, u, a));
  }
  CHECK_EQ_INT(lm_history_messages(&h), 4);
  CHECK_EQ_STR(h.items[0].user, "u3");
  CHECK_EQ_STR(h.items[1].assistant, "a4");
  lm_history_set_limits(&h, 3, 0); /* odd limit: a pair is never split */
  CHECK_EQ_INT(lm_history_messages(&h), 2);
  CHECK_EQ_STR(h.items[0].user, "u4");
  lm_history_set_limits(&h, 0, 0);
  CHECK_EQ_INT(lm_history_messages(&h), 0);
  lm_history_fini(&h);
}

TEST(lm_history_trims_to_the_byte_limit) {
  lm_history h;
  lm_history_init(&h, 100, 10);
  CHECK(lm_history_add(&h, "aaa", "bbb"));  /* 6 bytes */
  CHECK(lm_history_add(&h, "cc", "dd"));    /* 10 in all */
  CHECK_EQ_INT(lm_history_messages(&h), 4);
  CHECK(lm_history_add(&h, "e", "f"));      /* 12: the oldest goes */
  CHECK_EQ_INT(lm_history_messages(&h), 4);
  CHECK_EQ_STR(h.items[0].user, "cc");
  CHECK(lm_history_add(&h, "this exchange", "alone is too big"));
  CHECK_EQ_INT(lm_history_messages(&h), 0); /* nothing that does not fit is kept */
  lm_history_fini(&h);
}

TEST(lm_history_build_chat_orders_system_history_and_turn) {
  lm_history h;
  lm_history_init(&h, 10, 0);
  CHECK(lm_history_add(&h, "hi", "hello"));
  const char *img[] = {"data:image/png;base64,AAAA"};
  lm_chat_messages m;
  CHECK(lm_history_build_chat(&h, "You are a robot.", true, "what now?", img, 1, &m));
  CHECK_EQ_INT(m.n, 4);
  CHECK_EQ_INT(m.msgs[0].role, LLM_ROLE_SYSTEM);
  CHECK_EQ_STR(m.msgs[0].text, "You are a robot.");
  CHECK_EQ_INT(m.msgs[1].role, LLM_ROLE_USER);
  CHECK_EQ_STR(m.msgs[2].text, "hello");
  CHECK_EQ_INT(m.msgs[2].n_images, 0);
  CHECK_EQ_STR(m.msgs[3].text, "what now?");
  CHECK_EQ_INT(m.msgs[3].n_images, 1);
  lm_history_free_messages(&m);
  CHECK(lm_history_build_chat(&h, "", false, "fresh", NULL, 0, &m));
  CHECK_EQ_INT(m.n, 1); /* no system prompt, history not used */
  lm_history_free_messages(&m);
  lm_history_clear(&h);
  CHECK_EQ_INT(lm_history_messages(&h), 0);
  lm_history_fini(&h);
}
