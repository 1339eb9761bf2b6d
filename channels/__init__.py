"""Input channels beyond Rasa's built-in REST and socket.io ones.

- `channels.line.LineInput`: LINE Messaging API (patients), served at /webhooks/line/webhook.
- `channels.slack.SlackInput`: Rasa's Slack channel (staff) with a configurable API base URL,
  served at /webhooks/slack/webhook.
- `channels.credentials`: writes the active credentials file, leaving out every channel whose
  environment variables are unset (`python -m channels.credentials credentials.yml var/credentials.yml`).
"""
