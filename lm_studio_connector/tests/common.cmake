lms_add_test_file(test_dynbuf.c LIBS lms_common)
# Layering and banned-function rules over the whole source tree.
add_test(NAME source_rules_layers_and_banned_functions
         COMMAND bash ${PROJECT_SOURCE_DIR}/../scripts/check_source.sh ${PROJECT_SOURCE_DIR}/..)
set_tests_properties(source_rules_layers_and_banned_functions PROPERTIES TIMEOUT 60)
