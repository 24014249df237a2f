FROM golang:1.22
WORKDIR /app
ENV HOME=/root
WORKDIR $HOME/src
WORKDIR $GOPATH/src/app
WORKDIR "/path with space"
FROM mcr.microsoft.com/windows/servercore:ltsc2022
WORKDIR C:\\app
