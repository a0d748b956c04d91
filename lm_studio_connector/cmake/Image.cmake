# lms_image: everything about images (raw ROS encodings, JPEG/PNG, resizing, base64 and data
# URIs, safe file loading). Knows nothing of DDS or HTTP. Sources are listed relative to the
# connector so fuzz targets can read them back from the target (fuzz/CMakeLists.txt).
pkg_check_modules(LMS_TURBOJPEG REQUIRED IMPORTED_TARGET libturbojpeg)
pkg_check_modules(LMS_PNG REQUIRED IMPORTED_TARGET libpng)

add_library(lms_image STATIC
  src/image/image_error.c
  src/image/image_types.c
  src/image/image_raw.c
  src/image/image_codec.c
  src/image/image_png.c
  src/image/image_resize.c
  src/image/image_base64.c
  src/image/image_file.c
  src/image/image_prepare.c
)
target_include_directories(lms_image PUBLIC src)
target_link_libraries(lms_image PUBLIC lms_common PkgConfig::LMS_TURBOJPEG PkgConfig::LMS_PNG)
