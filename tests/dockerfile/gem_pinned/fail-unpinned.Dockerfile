FROM ruby:3.3
# fires
RUN gem install bundler --no-document
