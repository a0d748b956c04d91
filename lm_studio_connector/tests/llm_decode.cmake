# decoding tests (SSE, responses, errors): pure functions, no server needed
lms_add_test_file(test_sse.c LIBS lms_llm_decode)
lms_add_test_file(test_response.c LIBS lms_llm_decode)
lms_add_test_file(test_llm_error.c LIBS lms_llm_decode)
