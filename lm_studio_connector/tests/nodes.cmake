lms_add_test_file(test_lm_history.c LIBS lms_node_core)
