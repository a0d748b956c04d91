/* lm_node.c: the node object and its one loop. Owns the context (unless given one), the ROS
 * node, the LM Studio client and the chat history; lm_response.c, lm_status.c and lm_images.c
 * add their entities to either front-end, lm_actions.c and lm_services.c to lm_studio_node,
 * lm_topics.c to lm_studio_topics_node. Also the request helpers both front-ends share. The loop thread alternates ros_context_spin_some and
 * llm_client_poll; the context's wakeup hook wakes the poll, so every callback runs on this one
 * thread and node logic needs no locks. Teardown destroys the client first: its pending requests
 * end (on_done with LLM_ERR_SHUTDOWN) while the goals and services they answer still exist. */
#include "lm_node_internal.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "lm_params.h"
#include "ros/ros_log.h"
#include "ros/ros_params.h"

static void wake_llm(void *user) { llm_client_wakeup(user); }

static void set_err(char *err, size_t size, const char *what, const char *msg) {
  if (!err || !size) return;
  int k = snprintf(err, size, "%s: ", what);
  if (k >= 0 && (size_t)k < size) snprintf(err + k, size - (size_t)k, "%s", msg);
}

lm_node *lm_node_create(const lm_node_options *o, char *err, size_t err_size) {
  lm_node *n = calloc(1, sizeof *n);
  if (!n) {
    set_err(err, err_size, __func__, "out of memory");
    return NULL;
  }
  ros_error e = {0};
  lm_history_init(&n->history, 10, 0);
  /* --enclave picks the participant's enclave and, with ROS_SECURITY_ENABLE, its keystore files. */
  ros_context_options co = {.domain_id = -1, .enclave = o && o->args ? o->args->enclave : NULL};
  if (o && o->ctx) {
    n->ctx = o->ctx;
  } else if (ros_context_create(&co, &n->ctx, &e) != ROS_OK) {
    set_err(err, err_size, "cannot create the ROS context", e.message);
    goto fail;
  } else {
    n->own_ctx = true;
  }
  n->iface = o ? o->iface : LM_NODE_ACTIONS;
  bool topics = n->iface == LM_NODE_TOPICS;
  const char *name = topics ? LM_TOPICS_NODE_DEFAULT_NAME : LM_NODE_DEFAULT_NAME;
  ros_node_options no = {.args = o ? o->args : NULL};
  if (ros_node_create(n->ctx, o && o->name ? o->name : name, o ? o->ns : NULL, &no,
                      &n->node, &e) != ROS_OK) {
    set_err(err, err_size, "cannot create the node", e.message);
    goto fail;
  }
  if (lm_params_declare_all(n->node, &e) != ROS_OK) {
    set_err(err, err_size, "bad parameter", e.message);
    goto fail;
  }
  bool has_key = false;
  char *url = lm_params_string(n->node, "lm_studio_url");
  char *key = lm_params_string(n->node, "api_key");
  llm_config cfg = {.base_url = url, .api_key = key};
  llm_error le;
  n->client = url && key ? llm_client_create(&cfg, &le) : NULL;
  has_key = key && key[0];
  if (key) memset(key, 0, strlen(key));
  free(key);
  if (!n->client) {
    char msg[LM_NODE_ERROR_MAX + LLM_ERROR_MESSAGE_MAX + 64];
    char shown[512];
    llm_url_redact(url ? url : "?", shown, sizeof shown);
    snprintf(msg, sizeof msg, "lm_studio_url '%s': %s", shown, url ? le.message : "out of memory");
    free(url);
    set_err(err, err_size, "cannot create the LM Studio client", msg);
    goto fail;
  }
  free(url);
  snprintf(n->url, sizeof n->url, "%s", llm_client_base_url(n->client));
  lm_node_history_limits(n);
  ros_context_set_wakeup_hook(n->ctx, wake_llm, n->client);
  ros_status st = lm_response_create(n, &e);
  if (st == ROS_OK) st = lm_status_create(n, &e);
  if (st == ROS_OK && !topics) st = lm_services_create(n, &e);
  if (st == ROS_OK && !topics) st = lm_actions_create(n, &e);
  if (st == ROS_OK) st = lm_images_create(n, &e);
  if (st == ROS_OK && topics) st = lm_topics_create(n, &e);
  if (st != ROS_OK) {
    set_err(err, err_size, "cannot create the node's interfaces", e.message);
    goto fail;
  }
  char **unused = NULL;
  size_t n_unused = 0;
  if (ros_params_unused_overrides(n->node, &unused, &n_unused) == ROS_OK) {
    for (size_t i = 0; i < n_unused; i++) {
      ROS_WARN(n->node, "parameter override '%s' matches no parameter of this node", unused[i]);
      free(unused[i]);
    }
    free(unused);
  }
  char *model = lm_params_string(n->node, "model_name");
  ROS_INFO(n->node, "LM Studio %snode ready: server %s, model %s%s", topics ? "topics " : "",
           n->url, model ? model : "?", has_key ? ", API key set" : "");
  free(model);
  lm_status_probe(n);
  return n;
fail:
  lm_node_destroy(n);
  return NULL;
}

void lm_node_destroy(lm_node *n) {
  if (!n) return;
  if (n->ctx) ros_context_set_wakeup_hook(n->ctx, NULL, NULL);
  /* Ends every pending request through its on_done while goals and services still exist. */
  llm_client_destroy(n->client);
  n->client = NULL;
  lm_topics_destroy(n);
  lm_actions_destroy(n);
  lm_images_destroy(n);
  lm_services_destroy(n);
  lm_status_destroy(n);
  lm_response_destroy(n);
  if (n->node) (void)ros_node_destroy(n->node);
  if (n->own_ctx) (void)ros_context_destroy(n->ctx);
  lm_history_fini(&n->history);
  free(n);
}

int lm_node_spin_once(lm_node *n, int max_ms) {
  int ran = ros_context_spin_some(n->ctx);
  int64_t next = ros_context_time_to_next(n->ctx);
  int ms = max_ms < 0 ? 0 : max_ms;
  if (next < (int64_t)ms * 1000000) ms = (int)((next + 999999) / 1000000);
  (void)llm_client_poll(n->client, ms);
  return ran + ros_context_spin_some(n->ctx);
}

void lm_node_run(lm_node *n) {
  while (!ros_context_shutdown_requested(n->ctx)) lm_node_spin_once(n, 100);
}

int lm_node_main(lm_node_interface iface, int argc, char **argv) {
  const char *name = iface == LM_NODE_TOPICS ? LM_TOPICS_NODE_DEFAULT_NAME : LM_NODE_DEFAULT_NAME;
  ros_args args;
  ros_args_init(&args);
  ros_args_error ae;
  if (ros_args_parse(&args, argc, (const char *const *)argv, &ae) != ROS_ARGS_OK) {
    fprintf(stderr, "%s: %s\n", name, ae.message);
    ros_args_fini(&args);
    return 1;
  }
  ros_log_configure(&args);
  /* SIGINT/SIGTERM wait (blocked) until the handlers exist: the node is visible on the network
   * before it can install them, and a Ctrl-C or launch shutdown in that window must still end
   * in an orderly exit 0, not a kill. Threads made meanwhile keep them blocked. */
  sigset_t stop, old;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop, &old);
  char err[LM_NODE_ERROR_MAX];
  lm_node_options o = {.iface = iface, .args = &args};
  lm_node *n = lm_node_create(&o, err, sizeof err);
  if (!n) {
    ROS_LOG_NAMED(name, ROS_LOG_FATAL, "%s", err);
    ros_args_fini(&args);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return 1;
  }
  ros_error e;
  /* Installing unblocks them, so a signal that came meanwhile is handled now. */
  if (ros_context_install_signal_handlers(lm_node_context(n), &e) != ROS_OK) {
    ROS_WARN(lm_node_ros_node(n), "no signal handlers: %s", e.message);
    pthread_sigmask(SIG_SETMASK, &old, NULL); /* then at least the default action */
  }
  lm_node_run(n);
  ROS_INFO(lm_node_ros_node(n), "shutting down");
  lm_node_destroy(n);
  ros_args_fini(&args);
  return 0;
}

void lm_node_request_shutdown(lm_node *n) {
  if (!n) return;
  ros_context_request_shutdown(n->ctx);
  llm_client_wakeup(n->client);
}

ros_context *lm_node_context(const lm_node *n) { return n ? n->ctx : NULL; }
ros_node *lm_node_ros_node(const lm_node *n) { return n ? n->node : NULL; }
size_t lm_node_active_goals(const lm_node *n) { return n ? n->n_goals + n->topic_running : 0; }
size_t lm_node_queued_requests(const lm_node *n) { return n ? n->topic_waiting : 0; }
size_t lm_node_history_messages(lm_node *n) { return n ? lm_history_messages(&n->history) : 0; }

void lm_describe_error(const llm_error *err, const char *url, const char *model, char *out,
                       size_t size) {
  const char *check = "";
  switch (err->code) {
  case LLM_ERR_CONNECT_REFUSED:
  case LLM_ERR_DNS:
  case LLM_ERR_TIMEOUT_CONNECT:
  case LLM_ERR_NETWORK:
    check = "check that LM Studio is running and its server is started, and that the "
            "lm_studio_url parameter points to it";
    break;
  case LLM_ERR_MODEL_NOT_FOUND:
  case LLM_ERR_NO_MODEL_LOADED:
    check = "check the model name (list_models service) or load the model in LM Studio";
    break;
  case LLM_ERR_TIMEOUT_FIRST_BYTE:
  case LLM_ERR_TIMEOUT_IDLE:
  case LLM_ERR_TIMEOUT_TOTAL:
    check = "the server did not answer in time: raise the goal's timeout (or the timeout "
            "parameter), lower max_tokens, or check the server's load";
    break;
  case LLM_ERR_AUTH: check = "check the api_key parameter / LM_STUDIO_API_KEY"; break;
  case LLM_ERR_MALFORMED:
  case LLM_ERR_TRUNCATED:
    check = "the server's answer was cut or not understood: check LM Studio's log";
    break;
  case LLM_ERR_BAD_ENDPOINT: check = "check that lm_studio_url is the server's base URL"; break;
  case LLM_ERR_CONTEXT_OVERFLOW:
    check = "shorten the prompt, reset_chat, or lower max_history_length or max_history_bytes";
    break;
  default: check = "check LM Studio's log"; break;
  }
  /* An embeddings call without a model lets the server choose its embedding model. */
  char which[512] = "the server's default model";
  if (model && model[0]) snprintf(which, sizeof which, "model '%s'", model);
  snprintf(out, size, "LM Studio request failed (%s, server %s, %s): %s. Hint: %s",
           llm_status_name(err->code), url, which, err->message[0] ? err->message
           : llm_strerror(err->code), check);
}

void lm_describe_failure(lm_node *n, const llm_error *err, const char *model, char *out,
                         size_t size) {
  if (err->code == LLM_ERR_SHUTDOWN)
    snprintf(out, size, "the node is shutting down: request to %s abandoned", n->url);
  else
    lm_describe_error(err, n->url, model, out, size);
}

llm_request_opts lm_request_opts(const char *model, int max_tokens, double temperature,
                                 long timeout_s, bool stream) {
  llm_request_opts o = {.model = model, .max_tokens = max_tokens, .set_temperature = true,
                        .temperature = temperature, .stream = stream};
  if (stream)
    o.timeouts = (llm_timeouts){.first_byte_ms = timeout_s * 1000, .idle_ms = timeout_s * 1000,
                                .total_ms = -1};
  else
    o.timeouts = (llm_timeouts){.total_ms = timeout_s * 1000};
  return o;
}

void lm_keep_exchange(lm_node *n, const char *prompt, const char *answer) {
  lm_node_history_limits(n);
  if (!lm_history_add(&n->history, prompt, answer))
    ROS_WARN(n->node, "out of memory: exchange not kept in history");
}

uint64_t lm_start_chat(lm_node *n, const llm_request_opts *o, const char *prompt,
                       bool use_history, const char *image, const llm_callbacks *cb, void *user,
                       llm_error *e) {
  lm_node_history_limits(n);
  char *system_prompt = lm_params_string(n->node, "system_prompt");
  lm_chat_messages m = {0};
  if (!system_prompt ||
      !lm_history_build_chat(&n->history, system_prompt, use_history, prompt,
                             image ? &image : NULL, image ? 1 : 0, &m)) {
    free(system_prompt);
    llm_error_set(e, LLM_ERR_NO_MEMORY, "out of memory building the chat");
    return 0;
  }
  free(system_prompt);
  uint64_t id = llm_client_chat(n->client, o, m.msgs, m.n, cb, user, e);
  lm_history_free_messages(&m);
  return id;
}

void lm_node_history_limits(lm_node *n) {
  lm_history_set_limits(&n->history, (size_t)lm_params_int(n->node, "max_history_length"),
                        (size_t)lm_params_int(n->node, "max_history_bytes"));
}

bool lm_prompt_fits(lm_node *n, const char *text, bool with_system_prompt, char *why,
                    size_t size) {
  size_t max = (size_t)lm_params_int(n->node, "max_prompt_bytes");
  size_t len = strlen(text ? text : "");
  if (with_system_prompt) {
    char *sys = lm_params_string(n->node, "system_prompt");
    len += sys ? strlen(sys) : 0;
    free(sys);
  }
  if (len <= max) return true;
  snprintf(why, size, "the %s is %zu bytes, more than max_prompt_bytes (%zu): shorten it or "
           "raise max_prompt_bytes", with_system_prompt ? "prompt with the system prompt"
           : "text", len, max);
  return false;
}

/* glibc keeps freed memory in its arenas (each DDS thread has one): after a burst of goals the
 * idle node would go on holding tens of MB it no longer uses. Trimming costs microseconds on
 * an idle heap and runs only after requests ended. */
static uint64_t requests_forgotten(const lm_node *n) {
  uint64_t k = n->requests_ended;
  ros_action_server *servers[] = {n->chat_server, n->text_server};
  for (size_t i = 0; i < 2; i++) {
    if (!servers[i]) continue;
    ros_action_server_stats st;
    ros_action_server_get_stats(servers[i], &st);
    k += st.goals_expired + st.goals_evicted; /* their results were freed */
  }
  return k;
}

void lm_node_release_memory(lm_node *n) {
  uint64_t forgotten = requests_forgotten(n);
  if (forgotten == n->trimmed_at || lm_node_active_goals(n) || n->calls || n->topic_waiting)
    return;
  n->trimmed_at = forgotten;
#ifdef __GLIBC__
  (void)malloc_trim(0);
#endif
}
