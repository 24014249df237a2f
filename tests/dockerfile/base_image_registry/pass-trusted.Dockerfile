FROM public.ecr.aws/docker/library/alpine:3.20 AS build
FROM 123456789012.dkr.ecr.eu-west-1.amazonaws.com/base/python:3.12
FROM build
FROM scratch
