FROM golang:1.22
# fires
RUN go install github.com/go-delve/delve/cmd/dlv@latest
# fires
RUN go install -v golang.org/x/tools/gopls
