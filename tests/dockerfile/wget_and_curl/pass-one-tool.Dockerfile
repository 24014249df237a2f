FROM debian:12.5
RUN curl -fsSLo /tmp/a https://example.com/a
RUN curl -fsSLo /tmp/b https://example.com/b
RUN apt-get install -y --no-install-recommends wget=1.21.3-1+b2
