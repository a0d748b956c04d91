/* test_llm_transfer.c: how transport failures are reported. DNS and TLS failures cannot be
 * produced on loopback without traffic leaving the machine, so curl's codes are fed directly. */
#include "llm/llm_transfer.h"
#include "testing.h"

TEST(llm_transfer_error_from_curl_maps_every_transport_failure) {
  llm_config cfg = {.base_url = "http://gpu-box:1234"};
  llm_callbacks cb = {0};
  llm_transfer *t = llm_transfer_create(&cfg, "http://gpu-box:1234", "/v1/models", LLM_OP_MODELS,
                                        NULL, 0, false, NULL, &cb, NULL, NULL);
  CHECK(t);
  struct { CURLcode rc; llm_status want; const char *says; } cases[] = {
      {CURLE_COULDNT_RESOLVE_HOST, LLM_ERR_DNS, "check lm_studio_url"},
      {CURLE_COULDNT_CONNECT, LLM_ERR_CONNECT_REFUSED, "lms server start"},
      {CURLE_PEER_FAILED_VERIFICATION, LLM_ERR_TLS, "TLS"},
      {CURLE_SSL_CONNECT_ERROR, LLM_ERR_TLS, "TLS"},
      {CURLE_OPERATION_TIMEDOUT, LLM_ERR_TIMEOUT_CONNECT, "connect timeout"},
      {CURLE_RECV_ERROR, LLM_ERR_NETWORK, "http://gpu-box:1234/v1/models"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    llm_error e;
    llm_error_clear(&e);
    llm_transfer_error_from_curl(t, cases[i].rc, &e);
    CHECK_MSG(e.code == cases[i].want, "curl %d gave %s", (int)cases[i].rc, llm_status_name(e.code));
    CHECK_CONTAINS(e.message, cases[i].says);
  }
  t->bytes_in = 100; /* the connection broke after the answer began */
  llm_error e;
  llm_transfer_error_from_curl(t, CURLE_PARTIAL_FILE, &e);
  CHECK_EQ_INT(e.code, LLM_ERR_NETWORK);
  CHECK_CONTAINS(e.message, "in the middle of the response after 100 bytes");
  llm_transfer_destroy(t);
}
