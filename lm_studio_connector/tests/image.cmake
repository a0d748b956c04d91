# Image module (lms_image): raw encodings, codecs, resizing, base64/data URIs, file loading.
# Every test file also gets the shared helpers of test_image_util.c.
foreach(t raw codec resize base64 file prepare error)
  lms_add_test_file(test_image_${t}.c LIBS lms_image)
  target_sources(test_image_${t} PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/test_image_util.c)
endforeach()
