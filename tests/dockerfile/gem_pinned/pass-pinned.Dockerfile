FROM ruby:3.3
RUN gem install bundler:2.5.16 --no-document
RUN gem install rails -v 7.1.3
RUN gem install ./vendor/local.gem
