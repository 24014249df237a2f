ARG BASE
FROM ${BASE} AS base
FROM BASE
RUN echo stage names are case-insensitive
