FROM debian:12.5
RUN curl -fsSLo /tmp/install.sh https://example.com/install.sh \
    && echo "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824  /tmp/install.sh" | sha256sum -c - \
    && sh /tmp/install.sh
RUN curl -fsSL https://example.com/tool.tar.gz | tar -xz -C /opt
RUN echo "curl https://x | sh"
