//! The list of rules. Adding a rule: write `rules/src/rules/<name>.rs` and add one line here.

use crate::rule::Rule;
use crate::rules::*;
use crate::RuleMeta;

#[rustfmt::skip]
static RULES: &[&dyn Rule] = &[
    // -- syntax and founding rules (DF001-DF009) --
    &cache_busting_order::CacheBustingOrder,
    &apt_get_update_alone::AptGetUpdateAlone,
    &missing_context::MissingContext,
    &syntax_error::SyntaxErrorRule,
    &from_first::FromFirst,
    &unused_suppression::UnusedSuppression,
    // -- BuildKit build checks (DF010-DF039) --
    &stage_name_casing::StageNameCasing,
    &from_as_casing::FromAsCasing,
    &empty_continuation_line::EmptyContinuationLine,
    &inconsistent_instruction_casing::InconsistentInstructionCasing,
    &duplicate_stage_name::DuplicateStageName,
    &reserved_stage_name::ReservedStageName,
    &json_args_recommended::JsonArgsRecommended,
    &maintainer_deprecated::MaintainerDeprecated,
    &undefined_arg_in_from::UndefinedArgInFrom,
    &relative_workdir::RelativeWorkdir,
    &undefined_variable::UndefinedVariable,
    &multiple_instructions::MultipleInstructions,
    &legacy_key_value::LegacyKeyValue,
    &redundant_target_platform::RedundantTargetPlatform,
    &secrets_in_arg_or_env::SecretsInArgOrEnv,
    &invalid_default_arg_in_from::InvalidDefaultArgInFrom,
    &constant_platform_flag::ConstantPlatformFlag,
    &invalid_definition_description::InvalidDefinitionDescription,
    &expose_proto_casing::ExposeProtoCasing,
    &expose_invalid_format::ExposeInvalidFormat,
    // -- hadolint DL3000-DL3029 (DF040-DF079) --
    &workdir_not_absolute::WorkdirNotAbsolute,
    &container_irrelevant_command::ContainerIrrelevantCommand,
    &cd_instead_of_workdir::CdInsteadOfWorkdir,
    &sudo_in_run::SudoInRun,
    &image_tag_missing::ImageTagMissing,
    &image_tag_latest::ImageTagLatest,
    &last_user_root::LastUserRoot,
    &expose_port_out_of_range::ExposePortOutOfRange,
    &copy_from_unknown_stage::CopyFromUnknownStage,
    &copy_from_own_stage::CopyFromOwnStage,
    &untrusted_registry::UntrustedRegistry,
    &apt_get_version_not_pinned::AptGetVersionNotPinned,
    &apt_lists_not_deleted::AptListsNotDeleted,
    &apt_get_missing_yes::AptGetMissingYes,
    &apt_get_install_recommends::AptGetInstallRecommends,
    &apt_instead_of_apt_get::AptInsteadOfAptGet,
    &pip_version_not_pinned::PipVersionNotPinned,
    &npm_version_not_pinned::NpmVersionNotPinned,
    &apk_version_not_pinned::ApkVersionNotPinned,
    &apk_add_without_no_cache::ApkAddWithoutNoCache,
    &gem_version_not_pinned::GemVersionNotPinned,
    &add_instead_of_copy::AddInsteadOfCopy,
    &copy_dest_not_directory::CopyDestNotDirectory,
    &archive_copied_then_extracted::ArchiveCopiedThenExtracted,
    // -- hadolint DL3030-DL4006 (DF080-DF119) --
    &inline_ignore_pragma::InlineIgnorePragma,
    &yum_missing_assume_yes::YumMissingAssumeYes,
    &zypper_missing_non_interactive::ZypperMissingNonInteractive,
    &dnf_missing_assume_yes::DnfMissingAssumeYes,
    &yum_cache_not_cleaned::YumCacheNotCleaned,
    &zypper_cache_not_cleaned::ZypperCacheNotCleaned,
    &dnf_cache_not_cleaned::DnfCacheNotCleaned,
    &yarn_cache_not_cleaned::YarnCacheNotCleaned,
    &yum_unpinned_package::YumUnpinnedPackage,
    &zypper_dist_upgrade::ZypperDistUpgrade,
    &zypper_unpinned_package::ZypperUnpinnedPackage,
    &dnf_unpinned_package::DnfUnpinnedPackage,
    &go_install_unpinned::GoInstallUnpinned,
    &pip_cache_not_disabled::PipCacheNotDisabled,
    &env_same_instruction_reference::EnvSameInstructionReference,
    &copy_relative_dest_without_workdir::CopyRelativeDestWithoutWorkdir,
    &useradd_without_no_log_init::UseraddWithoutNoLogInit,
    &wget_without_progress::WgetWithoutProgress,
    &invalid_label_key::InvalidLabelKey,
    &missing_healthcheck::MissingHealthcheck,
    &consecutive_run::ConsecutiveRun,
    &pipe_without_pipefail::PipeWithoutPipefail,
    &copy_entire_filesystem::CopyEntireFilesystem,
    &mixed_curl_wget::MixedCurlWget,
    &replaced_bin_sh::ReplacedBinSh,
    &non_numeric_user::NonNumericUser,
    &missing_label::MissingLabel,
    &superfluous_label::SuperfluousLabel,
    &empty_label::EmptyLabel,
    &label_not_url::LabelNotUrl,
    &label_not_rfc3339::LabelNotRfc3339,
    &label_not_spdx::LabelNotSpdx,
    &label_not_git_hash::LabelNotGitHash,
    &label_not_semver::LabelNotSemver,
    &label_not_email::LabelNotEmail,
];

/// Every rule, in code order.
pub fn all() -> &'static [&'static dyn Rule] {
    RULES
}

/// A rule by code (`DF002`, case-insensitive) or name (`from-first`).
pub fn lookup(code_or_name: &str) -> Option<&'static RuleMeta> {
    RULES
        .iter()
        .map(|r| r.meta())
        .find(|m| m.code.eq_ignore_ascii_case(code_or_name) || m.name == code_or_name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_names_are_unique_and_well_formed() {
        let metas: Vec<_> = all().iter().map(|r| r.meta()).collect();
        for (i, m) in metas.iter().enumerate() {
            assert!(
                m.code.len() == 5
                    && m.code.starts_with("DF")
                    && m.code[2..].chars().all(|c| c.is_ascii_digit()),
                "{}",
                m.code
            );
            assert!(
                m.name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{}",
                m.name
            );
            assert!(
                !m.summary.is_empty() && m.docs.contains("## What it does"),
                "{} needs docs",
                m.name
            );
            for other in &metas[i + 1..] {
                assert_ne!(m.code, other.code);
                assert_ne!(m.name, other.name);
            }
        }
    }
}
