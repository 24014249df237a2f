FROM debian:12.5
RUN curl -fsSLo /tmp/a https://example.com/a
RUN echo between
# fires
RUN wget -qO /tmp/b https://example.com/b
RUN wget -qO /tmp/c https://example.com/c
