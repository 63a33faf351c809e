#!/usr/bin/env bash
# Fetches the claims.json of the last successful run of a workflow on the main branch, for `dlncheck report --compare`.
#
#   .github/scripts/fetch-base-report.sh <workflow file> <artifact name> <directory>
#
# Uses the GitHub CLI that GitHub's runners carry (GH_TOKEN=${{ github.token }}; the job needs `actions: read`):
# `gh run list` finds the newest successful run of <workflow file> on main, `gh run download` unpacks its artifact
# <artifact name> into <directory>. Never fails: on a first run (no run on main yet), when the artifact has expired
# (90 days by default) or when the API is unreachable, it says so and leaves <directory>/claims.json absent, and the
# report step then skips the comparison.
set -uo pipefail
workflow=$1 artifact=$2 dir=$3
mkdir -p "$dir"
if ! run_id=$(gh run list --repo "$GITHUB_REPOSITORY" --workflow "$workflow" --branch main --status success --limit 1 \
  --json databaseId --jq '.[0].databaseId // empty'); then
  echo "could not list $workflow runs on main (see the error above): nothing to compare with"
  exit 0
fi
if [ -z "$run_id" ]; then
  echo "no successful $workflow run on main yet: nothing to compare with"
  exit 0
fi
if gh run download "$run_id" --repo "$GITHUB_REPOSITORY" --name "$artifact" --dir "$dir" && [ -f "$dir/claims.json" ]; then
  echo "base: $dir/claims.json from $workflow run $run_id on main"
else
  echo "run $run_id on main has no $artifact artifact with a claims.json (expired?): nothing to compare with"
  rm -f "$dir/claims.json"
fi
exit 0
