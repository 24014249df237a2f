FROM golang:1.22
RUN go install github.com/go-delve/delve/cmd/dlv@v1.23.0
RUN go install ./cmd/...
RUN go build -o /app ./cmd/app
