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
  --fault NAME                   twin only: switch on a named fault (repeatable) [CONFORMANCE_TWIN_FAULTS, comma list];
                                   --list-faults names them all
  --sensitivity                  run the catalogue on the twin (profile contract) once clean, then once per fault (only
                                   the --fault ones when given), and write sensitivity.md and sensitivity.json: which
                                   scenarios catch which fault; exit 1 when a fault goes uncaught or a @lifecycle,
                                   @security or @negative scenario catches none
  --parallel N                   --sensitivity: catalogue runs at a time [CONFORMANCE_SENSITIVITY_PARALLEL, default:
                                   the core count, at most 4]; each run may take CONFORMANCE_SENSITIVITY_TIMEOUT_MINUTES (30)
  --list-faults                  print the twin's fault catalogue (name, component, what it breaks, what it models)
  --plan                         print every container, manifest and Vault call the run would make; start nothing
  --serve-twin                   start the twin alone and keep it running (a playground for kubectl)
  --compare OLD.json [NEW.json]  what changed between two runs' results.json: new failures, fixed, slower by >50%
                                   (NEW defaults to the newest artifacts/*/results.json; exit 1 on new failures)
  --merge DIR...                 one matrix report (matrix.md/.html/.json into --artifacts) from several legs'
                                   results.json: a row per leg, a column per tier (exit 1 when a leg is not qualified)
  --check                        validate the options, print the settings, and stop (nothing is built or started)
  --trace [ARGS]                 regenerate docs/traceability.md (claims x scenarios x last verdicts); the rest of the
                                   line goes to it: --results FILE | --no-results, --check, --strict
  --bench-catalogue              run the catalogue on the twin; print its wall time and the ten slowest scenarios
  -h, --help                     this text

Live worlds (k3s, existing): versions and endpoints, each also an environment variable (values are checked by the
harness before anything starts; defaults in environments/Conformance.Environments/Options/LiveDefaults.cs):
  --k3s-image IMAGE              rancher/k3s:vX.Y.Z-k3sN [CONFORMANCE_K3S_IMAGE]
  --eso-chart VERSION            external-secrets Helm chart, e.g. 0.16.2 or 2.9.0 [CONFORMANCE_ESO_CHART_VERSION]
  --vault-image IMAGE            Vault server and agent, e.g. hashicorp/vault:1.20.1 [CONFORMANCE_VAULT_IMAGE]
  --operator-image IMAGE         notebook validator operator image [CONFORMANCE_OPERATOR_IMAGE]
  and --vault-helm-chart, --vault-k8s-image, --localstack-image, --localstack-auth-token, --postgres-image,
  --git-server-image, --validator-base-image, --validator-image, --git-init-image, --reuse, --startup-timeout,
  --kubeconfig, --kube-context, --vault-addr, --vault-in-cluster-addr, --vault-token, --aws-endpoint,
  --aws-in-cluster-endpoint, --aws-region, --aws-access-key-id, --aws-secret-access-key, --postgres-dsn,
  --notebook-git-base, --install (see OptionCatalog.cs for each one's variable)

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
parallel=${CONFORMANCE_SENSITIVITY_PARALLEL:-}
profile_given=${CONFORMANCE_OPERATOR_PROFILE:+yes}
mode=run
positional=()

# Live-world options: flag -> environment variable (must match OptionCatalog.cs; a test checks that they do).
declare -A live_vars=(
  [--k3s-image]=CONFORMANCE_K3S_IMAGE [--eso-chart]=CONFORMANCE_ESO_CHART_VERSION
  [--vault-helm-chart]=CONFORMANCE_VAULT_HELM_CHART_VERSION [--vault-image]=CONFORMANCE_VAULT_IMAGE
  [--vault-k8s-image]=CONFORMANCE_VAULT_K8S_IMAGE [--localstack-image]=CONFORMANCE_LOCALSTACK_IMAGE
  [--localstack-auth-token]=CONFORMANCE_LOCALSTACK_AUTH_TOKEN [--postgres-image]=CONFORMANCE_POSTGRES_IMAGE
  [--git-server-image]=CONFORMANCE_GIT_SERVER_IMAGE [--operator-image]=CONFORMANCE_OPERATOR_IMAGE
  [--validator-base-image]=CONFORMANCE_VALIDATOR_BASE_IMAGE [--validator-image]=CONFORMANCE_VALIDATOR_IMAGE
  [--git-init-image]=CONFORMANCE_GIT_INIT_IMAGE [--startup-timeout]=CONFORMANCE_STARTUP_TIMEOUT
  [--kubeconfig]=KUBECONFIG [--kube-context]=CONFORMANCE_KUBE_CONTEXT [--vault-addr]=CONFORMANCE_VAULT_ADDR
  [--vault-in-cluster-addr]=CONFORMANCE_VAULT_IN_CLUSTER_ADDR [--vault-token]=CONFORMANCE_VAULT_TOKEN
  [--aws-endpoint]=CONFORMANCE_AWS_ENDPOINT [--aws-in-cluster-endpoint]=CONFORMANCE_AWS_IN_CLUSTER_ENDPOINT
  [--aws-region]=CONFORMANCE_AWS_REGION [--aws-access-key-id]=CONFORMANCE_AWS_ACCESS_KEY_ID
  [--aws-secret-access-key]=CONFORMANCE_AWS_SECRET_ACCESS_KEY [--postgres-dsn]=CONFORMANCE_POSTGRES_DSN
  [--notebook-git-base]=CONFORMANCE_NOTEBOOK_GIT_BASE
)
declare -A live_switches=([--reuse]=CONFORMANCE_REUSE [--install]=CONFORMANCE_INSTALL)
live_set=()
trace_args=()

while [[ $# -gt 0 ]]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --env|--tags|--keep|--artifacts|--profile|--fault|--parallel)
      [[ $# -ge 2 && -n "$2" ]] || die_usage "$1 needs a value"
      case "$1" in
        --env) env_choice=$2 ;;
        --tags) tags=$2 ;;
        --keep) keep=$2 ;;
        --artifacts) artifacts=$2 ;;
        --profile) profile=$2; profile_given=yes ;;
        --parallel) parallel=$2 ;;
        --fault) faults=${faults:+$faults,}$2 ;;
      esac
      shift 2 ;;
    --env=*|--tags=*|--keep=*|--artifacts=*|--profile=*|--fault=*|--parallel=*)
      set -- "${1%%=*}" "${1#*=}" "${@:2}" ;;
    --plan) mode=plan; shift ;;
    --serve-twin) mode=serve-twin; shift ;;
    --check) check=1; shift ;;
    --compare|--merge)
      mode=${1#--}; shift
      while [[ $# -gt 0 && "$1" != -* ]]; do positional+=("$1"); shift; done ;;
    --sensitivity) mode=sensitivity; shift ;;
    --list-faults) mode=faults; shift ;;
    --trace) mode=trace; shift; trace_args=("$@"); break ;;
    --bench-catalogue) mode=bench-catalogue; env_choice=twin; shift ;;
    *)
      flag=${1%%=*}
      if [[ -n "${live_vars[$flag]:-}" ]]; then
        if [[ "$1" == *=* ]]; then value=${1#*=}; shift
        else [[ $# -ge 2 && -n "$2" ]] || die_usage "$1 needs a value"; value=$2; shift 2; fi
        export "${live_vars[$flag]}=$value"; live_set+=("${live_vars[$flag]}=$value")
      elif [[ -n "${live_switches[$flag]:-}" ]]; then
        value=true; [[ "$1" == *=* ]] && value=${1#*=}; shift
        export "${live_switches[$flag]}=$value"; live_set+=("${live_switches[$flag]}=$value")
      else
        die_usage "unknown option '$1'"
      fi ;;
  esac
done

one_of "$env_choice" --env auto k3s existing twin
one_of "$keep" --keep never on-failure always
one_of "$profile" --profile upstream contract
case "$mode" in
  compare) [[ ${#positional[@]} -ge 1 && ${#positional[@]} -le 2 ]] || die_usage "--compare needs OLD.json and optionally NEW.json" ;;
  merge) [[ ${#positional[@]} -ge 1 ]] || die_usage "--merge needs one or more folders holding results.json" ;;
esac

[[ -z "$parallel" || "$parallel" =~ ^[1-9][0-9]*$ ]] || die_usage "bad value '$parallel' for --parallel: expected a whole number above 0"
if [[ "$mode" == sensitivity ]]; then
  # The faults are twin switches, and only the contract profile promises a green clean run.
  [[ "$env_choice" == auto || "$env_choice" == twin ]] || die_usage "--sensitivity runs on the twin only, not --env $env_choice"
  [[ -z "$profile_given" || "$profile" == contract ]] || die_usage "--sensitivity runs under --profile contract, not $profile"
  env_choice=twin profile=contract
fi

if [[ -n "${check:-}" ]]; then
  # What the run would use; secrets are not echoed.
  echo "mode=$mode env=$env_choice tags=${tags:-(all)} keep=$keep profile=$profile faults=${faults:-none} artifacts=${artifacts:-artifacts/<run-id>}"
  for setting in "${live_set[@]}"; do
    case "${setting%%=*}" in *TOKEN*|*SECRET*|*DSN*) echo "${setting%%=*}=(hidden)" ;; *) echo "$setting" ;; esac
  done
  exit 0
fi

root=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cli=(dotnet "$root/cli/Conformance.Cli/bin/Debug/net10.0/Conformance.Cli.dll")
if [[ "$mode" == compare || "$mode" == merge ]]; then
  # Reading results needs only the CLI, not the features or a world; paths stay relative to where you called from.
  dotnet build "$root/cli/Conformance.Cli/Conformance.Cli.csproj" -nologo -v quiet -clp:ErrorsOnly >&2
  [[ "$mode" == merge ]] && export CONFORMANCE_ARTIFACTS=${artifacts:-artifacts/merged}
  exec "${cli[@]}" "$mode" "${positional[@]}"
fi

# --env k3s with no Docker socket anywhere fails before the build, at once; the harness's own probe (which also
# catches a dead socket or an unreachable DOCKER_HOST) runs after the build.
if [[ "$env_choice" == k3s && "$mode" == run && -z "${DOCKER_HOST:-}" && ! -S /var/run/docker.sock && ! -S "$HOME/.docker/run/docker.sock" ]]; then
  echo "run-e2e.sh --env k3s: no Docker daemon: DOCKER_HOST is unset and there is no socket at /var/run/docker.sock or" >&2
  echo "$HOME/.docker/run/docker.sock. Start Docker (or Colima, Rancher Desktop), point DOCKER_HOST at a daemon, or run" >&2
  echo "without Docker: --env twin (in-process, no release evidence) or --env existing (your own cluster)." >&2
  exit 3
fi

cd "$root"

run_id=$(date -u +%Y%m%dT%H%M%SZ)
artifacts=${artifacts:-artifacts/$run_id}
mkdir -p "$artifacts"
artifacts=$(cd "$artifacts" && pwd)

export CONFORMANCE_ENV=$env_choice CONFORMANCE_TAGS=$tags CONFORMANCE_KEEP=$keep \
  CONFORMANCE_ARTIFACTS=$artifacts CONFORMANCE_OPERATOR_PROFILE=$profile CONFORMANCE_TWIN_FAULTS=$faults \
  CONFORMANCE_RUN_ID=$run_id CONFORMANCE_SENSITIVITY_PARALLEL=$parallel

if [[ "$mode" == trace ]]; then
  # Only the CLI is needed: the generator parses features/ and docs/claims.yaml, it runs nothing.
  dotnet build cli/Conformance.Cli -nologo -v quiet -clp:ErrorsOnly
  exec dotnet cli/Conformance.Cli/bin/Debug/net10.0/Conformance.Cli.dll trace "${trace_args[@]}"
fi

echo "==> building the harness"
dotnet build Conformance.sln -nologo -v quiet -clp:ErrorsOnly

case "$mode" in
  plan) exec "${cli[@]}" plan ;;
  serve-twin) exec "${cli[@]}" serve-twin ;;
  sensitivity) exec "${cli[@]}" sensitivity ;;
  faults) exec "${cli[@]}" faults ;;
  bench-catalogue) exec "${cli[@]}" bench-catalogue ;;
esac

exec "${cli[@]}" run
