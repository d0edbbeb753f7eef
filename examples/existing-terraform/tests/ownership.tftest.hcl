# The ownership contract through the module interface: Terraform creates the functions with
# layer version 1 and package A; later plans with layer version 2 and package B change nothing,
# because CI owns those attributes.
#   terraform init -backend=false && terraform test -var-file=staging.tfvars

mock_provider "aws" {
  # The region the ARNs of the inputs are in (the modules check it).
  mock_data "aws_region" {
    defaults = { name = "us-west-2" }
  }
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::111111111111:role/mock" }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:us-west-2:111111111111:log-group:/aws/lambda/mock" }
  }
  mock_resource "aws_cloudwatch_event_rule" {
    defaults = { arn = "arn:aws:events:us-west-2:111111111111:rule/mock" }
  }
  mock_resource "aws_lambda_function" {
    defaults = {
      arn        = "arn:aws:lambda:us-west-2:111111111111:function:mock"
      invoke_arn = "arn:aws:apigateway:us-west-2:lambda:path/2015-03-31/functions/arn:aws:lambda:us-west-2:111111111111:function:mock/invocations"
      version    = "1"
    }
  }
  mock_resource "aws_lambda_alias" {
    defaults = { arn = "arn:aws:lambda:us-west-2:111111111111:function:mock:live" }
  }
  mock_resource "aws_lambda_layer_version" {
    defaults = {
      arn       = "arn:aws:lambda:us-west-2:111111111111:layer:bookshelf-staging-deps:1"
      layer_arn = "arn:aws:lambda:us-west-2:111111111111:layer:bookshelf-staging-deps"
      version   = "1"
    }
  }
}

run "terraform_creates_the_functions" {
  command = apply

  variables {
    api_package     = "tests/fixtures/release-a.zip"
    cleanup_package = "tests/fixtures/release-a.zip"
  }

  assert {
    condition     = module.lambda.layers == tolist(["arn:aws:lambda:us-west-2:111111111111:layer:bookshelf-staging-deps:1"])
    error_message = "the API function should start on layer version 1"
  }
  assert {
    condition     = module.lambda.source_code_hash == filebase64sha256("tests/fixtures/release-a.zip")
    error_message = "the API function should start from package A"
  }
  assert {
    condition     = module.lambda.lambda_alias_function_version == "1" && module.cleanup_lambda.lambda_alias_function_version == "1"
    error_message = "the aliases should start on version 1, the package Terraform published"
  }
}

run "ci_released_new_versions" {
  command = plan

  variables {
    api_package     = "tests/fixtures/release-b.zip"
    cleanup_package = "tests/fixtures/release-b.zip"
  }

  # The layer module now hands out version 2, as after CI's publish.
  override_module {
    target = module.lambda_layer
    outputs = {
      layer_arn         = "arn:aws:lambda:us-west-2:111111111111:layer:bookshelf-staging-deps"
      layer_version_arn = "arn:aws:lambda:us-west-2:111111111111:layer:bookshelf-staging-deps:2"
      layer_version     = "2"
    }
  }

  assert {
    condition     = module.lambda.layers == tolist(["arn:aws:lambda:us-west-2:111111111111:layer:bookshelf-staging-deps:1"])
    error_message = "module.lambda layers would become ${jsonencode(module.lambda.layers)}: Terraform would revert CI's layer versions"
  }
  assert {
    condition     = module.cleanup_lambda.layers == tolist(["arn:aws:lambda:us-west-2:111111111111:layer:bookshelf-staging-deps:1"])
    error_message = "module.cleanup_lambda layers would become ${jsonencode(module.cleanup_lambda.layers)}: Terraform would revert CI's layer versions"
  }
  assert {
    condition     = module.lambda.source_code_hash == filebase64sha256("tests/fixtures/release-a.zip")
    error_message = "module.lambda source_code_hash would change: Terraform would revert the code CI released"
  }
  assert {
    condition     = module.cleanup_lambda.source_code_hash == filebase64sha256("tests/fixtures/release-a.zip")
    error_message = "module.cleanup_lambda source_code_hash would change: Terraform would revert the code CI released"
  }
}
