# ROS names, command line, parameter values and files, environment (lms_ros_args; no DDS).
lms_add_test_file(test_ros_names.c LIBS lms_ros_args)
lms_add_test_file(test_ros_args.c LIBS lms_ros_args)
lms_add_test_file(test_ros_params_file.c LIBS lms_ros_args)
lms_add_test_file(test_ros_env.c LIBS lms_ros_args)
