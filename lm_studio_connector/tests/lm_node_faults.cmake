# lm_studio_node against a misbehaving server (issue 7, "Faults"): the emulator in this process,
# or the lms_emulator executable where the server is killed and restarted. Label `valgrind`:
# the cases scripts/test.sh also runs under valgrind's memcheck (see valgrind.supp there);
# the endless stream (16 MiB of SSE through the parser) would take minutes under it.
lms_add_test_file(test_lm_node_faults.c DDS LIBS lms_lm_node_fixture lms_node_core lms_emulator_lib
                  TIMEOUT 300 LABELS valgrind)
target_compile_definitions(test_lm_node_faults PRIVATE LMS_EMULATOR_EXE="$<TARGET_FILE:lms_emulator>")
add_dependencies(test_lm_node_faults lms_emulator)
set_tests_properties(lm_faults_endless_stream_ends_at_the_answer_limit PROPERTIES LABELS "")
