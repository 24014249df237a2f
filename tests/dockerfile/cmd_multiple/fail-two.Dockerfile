FROM alpine:3.20
CMD ["first"]
RUN echo between
# fires
CMD ["second"]
# fires
CMD ["third"]
