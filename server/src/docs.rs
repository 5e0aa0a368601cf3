//! Documentation of instructions and their flags, for hover, completion and signature help.
//! Written from the Dockerfile reference (docs.docker.com/reference/dockerfile/).

/// One instruction: its syntax forms, a summary and the snippet completion inserts.
pub struct InstructionDoc {
    pub name: &'static str,
    /// Syntax forms, one per line; the first is used for signature help.
    pub syntax: &'static [&'static str],
    pub summary: &'static str,
    /// Snippet (LSP snippet syntax) inserted by completion.
    pub snippet: &'static str,
    /// Parameters of the first syntax form, with their docs.
    pub params: &'static [(&'static str, &'static str)],
}

impl InstructionDoc {
    pub fn url(&self) -> String {
        format!(
            "https://docs.docker.com/reference/dockerfile/#{}",
            self.name.to_lowercase()
        )
    }

    /// Markdown for hover and completion documentation.
    pub fn markdown(&self) -> String {
        format!(
            "```dockerfile\n{}\n```\n{}\n\n[Dockerfile reference]({})",
            self.syntax.join("\n"),
            self.summary,
            self.url()
        )
    }
}

pub static INSTRUCTIONS: &[InstructionDoc] = &[
    InstructionDoc {
        name: "FROM",
        syntax: &["FROM [--platform=<platform>] <image>[:<tag>|@<digest>] [AS <name>]"],
        summary: "Starts a new build stage from a base image (or `scratch`, or an earlier stage). `AS <name>` names the stage for `COPY --from` and later `FROM`.",
        snippet: "FROM ${1:image}:${2:tag}",
        params: &[
            (
                "<image>",
                "The base image, an earlier stage's name, or `scratch`.",
            ),
            ("AS <name>", "Names the stage."),
        ],
    },
    InstructionDoc {
        name: "RUN",
        syntax: &[
            "RUN [--mount=<mount>] [--network=<type>] [--security=<sandbox|insecure>] <command>",
            "RUN [\"executable\", \"param1\", \"param2\"]",
        ],
        summary: "Runs a command in a new layer on top of the current image. Shell form runs through the `SHELL` (default `/bin/sh -c`); exec form runs the executable directly.",
        snippet: "RUN ${1:command}",
        params: &[("<command>", "The command, run by the shell in shell form.")],
    },
    InstructionDoc {
        name: "CMD",
        syntax: &[
            "CMD [\"executable\", \"param1\", \"param2\"]",
            "CMD [\"param1\", \"param2\"]",
            "CMD command param1 param2",
        ],
        summary: "The default command of a container (or default arguments of the `ENTRYPOINT`). Only the last `CMD` of a stage takes effect.",
        snippet: "CMD [\"${1:executable}\"]",
        params: &[(
            "[\"executable\", ...]",
            "The command and its arguments, as a JSON array.",
        )],
    },
    InstructionDoc {
        name: "LABEL",
        syntax: &["LABEL <key>=<value> [<key>=<value>...]"],
        summary: "Adds metadata to the image as key-value pairs.",
        snippet: "LABEL ${1:key}=\"${2:value}\"",
        params: &[("<key>=<value>", "A label; quote values with spaces.")],
    },
    InstructionDoc {
        name: "MAINTAINER",
        syntax: &["MAINTAINER <name>"],
        summary: "Deprecated: sets the author field. Use `LABEL org.opencontainers.image.authors=...` instead.",
        snippet: "MAINTAINER ${1:name}",
        params: &[("<name>", "The author.")],
    },
    InstructionDoc {
        name: "EXPOSE",
        syntax: &["EXPOSE <port>[/<protocol>] [<port>[/<protocol>]...]"],
        summary: "Documents the ports the container listens on (`tcp` by default, or `udp`). It does not publish them.",
        snippet: "EXPOSE ${1:port}",
        params: &[(
            "<port>[/<protocol>]",
            "A port number, a range, optionally `/tcp` or `/udp`.",
        )],
    },
    InstructionDoc {
        name: "ENV",
        syntax: &["ENV <key>=<value> [<key>=<value>...]"],
        summary: "Sets environment variables for the rest of the stage, for later stages built on it, and in the running container.",
        snippet: "ENV ${1:key}=${2:value}",
        params: &[(
            "<key>=<value>",
            "A variable; the value may use `$VAR` of earlier definitions.",
        )],
    },
    InstructionDoc {
        name: "ADD",
        syntax: &[
            "ADD [--chown=<user>:<group>] [--chmod=<perms>] [--checksum=<checksum>] [--keep-git-dir] [--link] [--exclude=<path>] <src>... <dest>",
            "ADD [--chown=<user>:<group>] [--chmod=<perms>] [\"<src>\",... \"<dest>\"]",
        ],
        summary: "Copies files, directories, remote URLs or Git repositories into the image; local tar archives are unpacked. Prefer `COPY` for plain files.",
        snippet: "ADD ${1:source} ${2:dest}",
        params: &[
            (
                "<src>...",
                "Sources: paths in the build context, URLs or Git repositories.",
            ),
            ("<dest>", "The destination in the image."),
        ],
    },
    InstructionDoc {
        name: "COPY",
        syntax: &[
            "COPY [--from=<stage|image>] [--chown=<user>:<group>] [--chmod=<perms>] [--link] [--parents] [--exclude=<path>] <src>... <dest>",
            "COPY [--chown=<user>:<group>] [\"<src>\",... \"<dest>\"]",
        ],
        summary: "Copies files and directories from the build context (or another stage or image with `--from`) into the image.",
        snippet: "COPY ${1:source} ${2:dest}",
        params: &[
            (
                "<src>...",
                "Sources in the build context (or in the `--from` stage).",
            ),
            (
                "<dest>",
                "The destination in the image; a folder when it ends in `/`.",
            ),
        ],
    },
    InstructionDoc {
        name: "ENTRYPOINT",
        syntax: &[
            "ENTRYPOINT [\"executable\", \"param1\", \"param2\"]",
            "ENTRYPOINT command param1 param2",
        ],
        summary: "The executable the container runs; `CMD` supplies default arguments. Use the exec form so that signals reach the process.",
        snippet: "ENTRYPOINT [\"${1:executable}\"]",
        params: &[(
            "[\"executable\", ...]",
            "The executable and its arguments, as a JSON array.",
        )],
    },
    InstructionDoc {
        name: "VOLUME",
        syntax: &["VOLUME [\"/data\"]", "VOLUME /data [/other...]"],
        summary: "Declares mount points for externally mounted volumes.",
        snippet: "VOLUME ${1:/data}",
        params: &[("/data", "A path in the container.")],
    },
    InstructionDoc {
        name: "USER",
        syntax: &["USER <user>[:<group>]", "USER <UID>[:<GID>]"],
        summary: "Sets the user (and group) for the rest of the stage and for the container.",
        snippet: "USER ${1:user}",
        params: &[(
            "<user>[:<group>]",
            "A user name or UID, optionally with a group.",
        )],
    },
    InstructionDoc {
        name: "WORKDIR",
        syntax: &["WORKDIR /path/to/workdir"],
        summary: "Sets the working directory for the instructions that follow and for the container; created if missing.",
        snippet: "WORKDIR ${1:/app}",
        params: &[(
            "/path/to/workdir",
            "An absolute path (relative paths build on the previous WORKDIR).",
        )],
    },
    InstructionDoc {
        name: "ARG",
        syntax: &["ARG <name>[=<default value>] [<name>[=<default value>]...]"],
        summary: "Declares a build argument, set with `docker build --build-arg`. Before the first `FROM` it is usable in `FROM` lines only, unless redeclared in a stage.",
        snippet: "ARG ${1:name}",
        params: &[(
            "<name>[=<default>]",
            "The argument and its optional default.",
        )],
    },
    InstructionDoc {
        name: "ONBUILD",
        syntax: &["ONBUILD <INSTRUCTION>"],
        summary: "Adds a trigger instruction that runs when the image is used as the base of another build.",
        snippet: "ONBUILD ${1:INSTRUCTION}",
        params: &[(
            "<INSTRUCTION>",
            "Any instruction except FROM, MAINTAINER and ONBUILD.",
        )],
    },
    InstructionDoc {
        name: "STOPSIGNAL",
        syntax: &["STOPSIGNAL <signal>"],
        summary: "The system call signal sent to the container to stop it (`SIGTERM` by default).",
        snippet: "STOPSIGNAL ${1:SIGTERM}",
        params: &[("<signal>", "A signal name (`SIGKILL`) or number (`9`).")],
    },
    InstructionDoc {
        name: "HEALTHCHECK",
        syntax: &[
            "HEALTHCHECK [--interval=<d>] [--timeout=<d>] [--start-period=<d>] [--start-interval=<d>] [--retries=<n>] CMD <command>",
            "HEALTHCHECK NONE",
        ],
        summary: "Tells Docker how to test that the container still works; `NONE` disables a check inherited from the base image.",
        snippet: "HEALTHCHECK --interval=${1:30s} --timeout=${2:5s} CMD ${3:command}",
        params: &[(
            "CMD <command>",
            "The check: exit status 0 is healthy, 1 unhealthy.",
        )],
    },
    InstructionDoc {
        name: "SHELL",
        syntax: &["SHELL [\"executable\", \"parameters\"]"],
        summary: "Overrides the shell used by the shell form of RUN, CMD and ENTRYPOINT (default `[\"/bin/sh\", \"-c\"]`).",
        snippet: "SHELL [\"${1:/bin/bash}\", \"${2:-c}\"]",
        params: &[(
            "[\"executable\", \"parameters\"]",
            "The shell and its options, as a JSON array.",
        )],
    },
];

pub fn instruction(name: &str) -> Option<&'static InstructionDoc> {
    INSTRUCTIONS
        .iter()
        .find(|d| d.name.eq_ignore_ascii_case(name))
}

/// `(instruction, flag, value syntax, documentation)`.
pub static FLAGS: &[(&str, &str, &str, &str)] = &[
    (
        "FROM",
        "platform",
        "<platform>",
        "The platform of the base image, e.g. `linux/amd64` or `$BUILDPLATFORM`.",
    ),
    (
        "RUN",
        "mount",
        "type=<bind|cache|tmpfs|secret|ssh>[,option=value...]",
        "Mounts a filesystem for this command only: `bind` (context or stage files), `cache` (persistent compiler/package caches), `tmpfs`, `secret` or `ssh`.",
    ),
    (
        "RUN",
        "network",
        "<default|none|host>",
        "The network the command runs with: `default`, `none` (no network) or `host`.",
    ),
    (
        "RUN",
        "security",
        "<sandbox|insecure>",
        "`insecure` runs the command with elevated privileges (needs the `security.insecure` entitlement).",
    ),
    (
        "RUN",
        "device",
        "<name>[,required]",
        "Makes a CDI device available to the command.",
    ),
    (
        "COPY",
        "from",
        "<stage|image|context>",
        "Copies from an earlier build stage, an image or a named context instead of the build context.",
    ),
    (
        "COPY",
        "chown",
        "<user>:<group>",
        "Owner of the copied files (names or IDs).",
    ),
    (
        "COPY",
        "chmod",
        "<perms>",
        "Permissions of the copied files, octal (`755`) or symbolic (`u+x`).",
    ),
    (
        "COPY",
        "link",
        "[=<boolean>]",
        "Copies into an independent layer, so that the layer is reused when earlier layers change.",
    ),
    (
        "COPY",
        "parents",
        "[=<boolean>]",
        "Keeps the parent directories of the sources under the destination.",
    ),
    (
        "COPY",
        "exclude",
        "<path>",
        "Leaves out files matching the pattern (repeatable).",
    ),
    (
        "ADD",
        "chown",
        "<user>:<group>",
        "Owner of the added files (names or IDs).",
    ),
    (
        "ADD",
        "chmod",
        "<perms>",
        "Permissions of the added files, octal (`755`) or symbolic (`u+x`).",
    ),
    (
        "ADD",
        "link",
        "[=<boolean>]",
        "Adds into an independent layer, so that the layer is reused when earlier layers change.",
    ),
    (
        "ADD",
        "keep-git-dir",
        "[=<boolean>]",
        "Keeps the `.git` directory when adding a Git repository.",
    ),
    (
        "ADD",
        "checksum",
        "<sha256:...>",
        "Verifies the checksum of a remote source.",
    ),
    (
        "ADD",
        "unpack",
        "[=<boolean>]",
        "Whether to unpack archives (local archives are unpacked by default, remote ones not).",
    ),
    (
        "ADD",
        "exclude",
        "<path>",
        "Leaves out files matching the pattern (repeatable).",
    ),
    (
        "HEALTHCHECK",
        "interval",
        "<duration>",
        "Time between checks (default `30s`).",
    ),
    (
        "HEALTHCHECK",
        "timeout",
        "<duration>",
        "Time a check may take before it counts as failed (default `30s`).",
    ),
    (
        "HEALTHCHECK",
        "start-period",
        "<duration>",
        "Start-up time during which failures do not count (default `0s`).",
    ),
    (
        "HEALTHCHECK",
        "start-interval",
        "<duration>",
        "Time between checks during the start period (default `5s`).",
    ),
    (
        "HEALTHCHECK",
        "retries",
        "<n>",
        "Consecutive failures before the container is unhealthy (default `3`).",
    ),
];

/// The documentation of `--flag` of an instruction, as Markdown.
pub fn flag(instruction: &str, flag: &str) -> Option<String> {
    FLAGS
        .iter()
        .find(|(i, f, _, _)| i.eq_ignore_ascii_case(instruction) && *f == flag)
        .map(|(i, f, v, d)| {
            let sep = if v.starts_with('[') { "" } else { "=" };
            format!("```dockerfile\n{i} --{f}{sep}{v}\n```\n{d}")
        })
}

/// Parser directives, for completion at the top of the file.
pub static DIRECTIVES: &[(&str, &str, &str)] = &[
    (
        "syntax",
        "# syntax=${1:docker/dockerfile:1}",
        "The Dockerfile frontend (BuildKit syntax) used to build this file.",
    ),
    (
        "escape",
        "# escape=${1|\\\\,`|}",
        "The escape character for line continuations: `\\` (default) or `` ` ``.",
    ),
    (
        "check",
        "# check=${1:skip=}",
        "Configures BuildKit's build checks: `skip=<checks|all>`, `error=<true|false>`.",
    ),
];
