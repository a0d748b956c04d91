lms_add_test_file(test_dynbuf.c LIBS lms_common)
