#!/usr/bin/env bash
# The conformance run: builds the harness, runs the features in features/ against the selected environment, prints
# progress per scenario and a summary, and says where the reports are. Every option has an environment variable
# twin; an option given on the command line wins over the variable.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: ./run-e2e.sh [options]

Runs the Conformance features against a world and writes reports into the run's artifact folder.

Options (environment variable in brackets):
  --env auto|k3s|existing|twin   where the world comes from [CONFORMANCE_ENV, default auto]
                                   auto: k3s when a Docker daemon answers, otherwise the in-process twin
  --tags EXPR                    Cucumber tag expression selecting scenarios, e.g. "@tier2 and not @slow"
                                   [CONFORMANCE_TAGS]
  --keep never|on-failure|always keep namespaces (and k3s containers) after the run [CONFORMANCE_KEEP, default never]
  --artifacts DIR                where reports and evidence go [CONFORMANCE_ARTIFACTS, default artifacts/<run-id>]
  --profile upstream|contract    twin only: the operator's behaviour, v1.0.8 as released or as its ADRs promise
                                   [CONFORMANCE_OPERATOR_PROFILE, default upstream]
  --fault NAME                   twin only: switch on a named fault (repeatable) [CONFORMANCE_TWIN_FAULTS, comma list]
  --plan                         print every container, manifest and Vault call the run would make; start nothing
  --serve-twin                   start the twin alone and keep it running (a playground for kubectl)
  --trace [ARGS]                 regenerate docs/traceability.md (claims x scenarios x last verdicts); the rest of the
                                   line goes to it: --results FILE | --no-results, --check, --strict
  --bench-catalogue              run the catalogue on the twin; print its wall time and the ten slowest scenarios
  -h, --help                     this text

Exit codes: 0 all scenarios passed (known defects reported as expected failures), 1 a scenario failed,
2 bad usage, 3 the environment could not be brought up.
EOF
}

die_usage() {
  echo "run-e2e.sh: $1" >&2
  echo "Try './run-e2e.sh --help'." >&2
  exit 2
}

one_of() { # value name allowed...
  local value=$1 name=$2; shift 2
  for allowed in "$@"; do [[ "$value" == "$allowed" ]] && return 0; done
  die_usage "bad value '$value' for $name: expected one of: $*"
}

env_choice=${CONFORMANCE_ENV:-auto}
tags=${CONFORMANCE_TAGS:-}
keep=${CONFORMANCE_KEEP:-never}
artifacts=${CONFORMANCE_ARTIFACTS:-}
profile=${CONFORMANCE_OPERATOR_PROFILE:-upstream}
faults=${CONFORMANCE_TWIN_FAULTS:-}
mode=run
trace_args=()

while [[ $# -gt 0 ]]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --env|--tags|--keep|--artifacts|--profile|--fault)
      [[ $# -ge 2 && -n "$2" ]] || die_usage "$1 needs a value"
      case "$1" in
        --env) env_choice=$2 ;;
        --tags) tags=$2 ;;
        --keep) keep=$2 ;;
        --artifacts) artifacts=$2 ;;
        --profile) profile=$2 ;;
        --fault) faults=${faults:+$faults,}$2 ;;
      esac
      shift 2 ;;
    --env=*|--tags=*|--keep=*|--artifacts=*|--profile=*|--fault=*)
      set -- "${1%%=*}" "${1#*=}" "${@:2}" ;;
    --plan) mode=plan; shift ;;
    --serve-twin) mode=serve-twin; shift ;;
    --trace) mode=trace; shift; trace_args=("$@"); break ;;
    --bench-catalogue) mode=bench-catalogue; env_choice=twin; shift ;;
    *) die_usage "unknown option '$1'" ;;
  esac
done

one_of "$env_choice" --env auto k3s existing twin
one_of "$keep" --keep never on-failure always
one_of "$profile" --profile upstream contract

# --env k3s with no Docker socket anywhere fails before the build, at once; the harness's own probe (which also
# catches a dead socket or an unreachable DOCKER_HOST) runs after the build.
if [[ "$env_choice" == k3s && "$mode" == run && -z "${DOCKER_HOST:-}" && ! -S /var/run/docker.sock && ! -S "$HOME/.docker/run/docker.sock" ]]; then
  echo "run-e2e.sh --env k3s: no Docker daemon: DOCKER_HOST is unset and there is no socket at /var/run/docker.sock or" >&2
  echo "$HOME/.docker/run/docker.sock. Start Docker (or Colima, Rancher Desktop), point DOCKER_HOST at a daemon, or run" >&2
  echo "without Docker: --env twin (in-process, no release evidence) or --env existing (your own cluster)." >&2
  exit 3
fi

root=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$root"

run_id=$(date -u +%Y%m%dT%H%M%SZ)
artifacts=${artifacts:-artifacts/$run_id}
mkdir -p "$artifacts"
artifacts=$(cd "$artifacts" && pwd)

export CONFORMANCE_ENV=$env_choice CONFORMANCE_TAGS=$tags CONFORMANCE_KEEP=$keep \
  CONFORMANCE_ARTIFACTS=$artifacts CONFORMANCE_OPERATOR_PROFILE=$profile CONFORMANCE_TWIN_FAULTS=$faults \
  CONFORMANCE_RUN_ID=$run_id

if [[ "$mode" == trace ]]; then
  # Only the CLI is needed: the generator parses features/ and docs/claims.yaml, it runs nothing.
  dotnet build cli/Conformance.Cli -nologo -v quiet -clp:ErrorsOnly
  exec dotnet cli/Conformance.Cli/bin/Debug/net10.0/Conformance.Cli.dll trace "${trace_args[@]}"
fi

echo "==> building the harness"
dotnet build Conformance.sln -nologo -v quiet -clp:ErrorsOnly

cli=(dotnet cli/Conformance.Cli/bin/Debug/net10.0/Conformance.Cli.dll)
case "$mode" in
  plan) exec "${cli[@]}" plan ;;
  serve-twin) exec "${cli[@]}" serve-twin ;;
  bench-catalogue) exec "${cli[@]}" bench-catalogue ;;
esac

exec "${cli[@]}" run
