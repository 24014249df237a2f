# fires
FROM ubuntu
RUN echo hi
