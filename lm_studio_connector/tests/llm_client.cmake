# LM Studio client integration tests, against the emulator over loopback HTTP.
lms_add_test_file(test_llm_client.c LIBS lms_llm lms_emulator_lib PkgConfig::JANSSON TIMEOUT 90)
target_sources(test_llm_client PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/llm_call.c)
lms_add_test_file(test_llm_transfer.c LIBS lms_llm)
