#!/bin/sh
# The Rasa server inside the containers: the image's default command, the compose `assistant`
# service and the Kubernetes chart's args all run this one line-up.
#   1. every setting checked (python -m settings check): a bad value stops here, named;
#   2. the active credentials file written from the image's template, with only the channels whose
#      variables are set (the template lives in deploy/, where Rasa's Helm chart mounts nothing);
#   3. Rasa with the PostgreSQL tracker store and Redis lock store, CORS for the patients' host.
# WEB_ORIGINS (space separated) overrides the CORS origin https://$PUBLIC_HOST.
set -eu
python -m settings check
python -m channels.credentials deploy/credentials.yml /tmp/credentials.yml
# shellcheck disable=SC2086  # WEB_ORIGINS is a list
exec rasa run --model models/current.tar.gz --port "${RASA_PORT:-5005}" \
  --endpoints endpoints.production.yml --credentials /tmp/credentials.yml \
  --cors ${WEB_ORIGINS:-"https://${PUBLIC_HOST:?set PUBLIC_HOST or WEB_ORIGINS}"}
