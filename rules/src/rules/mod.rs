//! One file per rule. Each file: the rule's docs (its doc comment), its metadata, its check, and
//! its test next to it (fixture in `rules/fixtures/<name>.Dockerfile` or `rules/fixtures/<name>/`,
//! snapshot in `rules/fixtures/snapshots/<name>.snap`).
//!
//! Codes: DF001-DF009 syntax and the founding rules, DF010-DF039 BuildKit's build checks,
//! DF040-DF119 hadolint's rules, DF120+ our own.

// -- syntax and founding rules (DF001-DF009) --
pub mod apt_get_update_alone;
pub mod cache_busting_order;
pub mod from_first;
pub mod missing_context;
pub mod syntax_error;
pub mod unused_suppression;
// -- BuildKit build checks (DF010-DF039) --
pub mod constant_platform_flag;
pub mod duplicate_stage_name;
pub mod empty_continuation_line;
pub mod expose_invalid_format;
pub mod expose_proto_casing;
pub mod from_as_casing;
pub mod inconsistent_instruction_casing;
pub mod invalid_default_arg_in_from;
pub mod invalid_definition_description;
pub mod json_args_recommended;
pub mod legacy_key_value;
pub mod maintainer_deprecated;
pub mod multiple_instructions;
pub mod redundant_target_platform;
pub mod relative_workdir;
pub mod reserved_stage_name;
pub mod secrets_in_arg_or_env;
pub mod stage_name_casing;
pub mod undefined_arg_in_from;
pub mod undefined_variable;
// -- hadolint DL3000-DL3029 (DF040-DF079) --
pub mod add_instead_of_copy;
pub mod apk_add_without_no_cache;
pub mod apk_version_not_pinned;
pub mod apt_get_install_recommends;
pub mod apt_get_missing_yes;
pub mod apt_get_version_not_pinned;
pub mod apt_instead_of_apt_get;
pub mod apt_lists_not_deleted;
pub mod archive_copied_then_extracted;
pub mod cd_instead_of_workdir;
pub mod container_irrelevant_command;
pub mod copy_dest_not_directory;
pub mod copy_from_own_stage;
pub mod copy_from_unknown_stage;
pub mod expose_port_out_of_range;
pub mod gem_version_not_pinned;
pub mod image_tag_latest;
pub mod image_tag_missing;
pub mod last_user_root;
pub mod npm_version_not_pinned;
pub mod pip_version_not_pinned;
pub mod sudo_in_run;
pub mod untrusted_registry;
pub mod workdir_not_absolute;
// -- hadolint DL3030-DL4006 (DF080-DF119) --
pub mod consecutive_run;
pub mod copy_entire_filesystem;
pub mod copy_relative_dest_without_workdir;
pub mod dnf_cache_not_cleaned;
pub mod dnf_missing_assume_yes;
pub mod dnf_unpinned_package;
pub mod empty_label;
pub mod env_same_instruction_reference;
pub mod go_install_unpinned;
pub mod inline_ignore_pragma;
pub mod invalid_label_key;
pub mod label_not_email;
pub mod label_not_git_hash;
pub mod label_not_rfc3339;
pub mod label_not_semver;
pub mod label_not_spdx;
pub mod label_not_url;
pub mod missing_healthcheck;
pub mod missing_label;
pub mod mixed_curl_wget;
pub mod non_numeric_user;
pub mod pip_cache_not_disabled;
pub mod pipe_without_pipefail;
pub mod replaced_bin_sh;
pub mod superfluous_label;
pub mod useradd_without_no_log_init;
pub mod wget_without_progress;
pub mod yarn_cache_not_cleaned;
pub mod yum_cache_not_cleaned;
pub mod yum_missing_assume_yes;
pub mod yum_unpinned_package;
pub mod zypper_cache_not_cleaned;
pub mod zypper_dist_upgrade;
pub mod zypper_missing_non_interactive;
pub mod zypper_unpinned_package;
