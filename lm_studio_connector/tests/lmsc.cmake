# lmsc, the command-line client: the real executable run as a child process against the node
# and the LM Studio emulator in the test process (test_lmsc.c).
lms_add_test_file(test_lmsc.c DDS LIBS lms_lm_node_fixture lms_node_core lms_emulator_lib TIMEOUT 120)
target_compile_definitions(test_lmsc PRIVATE LMSC_EXE="$<TARGET_FILE:lmsc>")
add_dependencies(test_lmsc lmsc)
