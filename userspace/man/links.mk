# The verityscrub(3) link pages, one per function and macro it documents
# (included by userspace/Makefile and the top Makefile's install).
MAN3_LINKS := verity_scrub_open verity_scrub_close verity_scrub_opts_init \
	verity_scrub_opts_init_size verity_scrub_result_init \
	verity_scrub_result_init_size \
	verity_scrub_fd verity_scrub_path verity_scrub_strerror \
	verity_scrub_kind_name verity_scrub_detail_name verity_scrub_version \
	verity_scrub_repair_opts_init verity_scrub_repair_opts_init_size \
	verity_scrub_repair_result_init verity_scrub_repair_result_init_size \
	verity_scrub_repair_path verity_scrub_repair_status_name \
	verity_scrub_repair_step_name
