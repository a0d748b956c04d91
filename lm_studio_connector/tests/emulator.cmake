# LM Studio emulator tests: each TEST case in test_emulator.c is one CTest (emulator_*).
lms_add_test_file(test_emulator.c LIBS lms_emulator_lib PkgConfig::CURL PkgConfig::JANSSON TIMEOUT 60)
