# fires
FROM ghcr.io/example/app:1.0
