# Every choice the generated modules leave to Terraform, planned with a mocked provider: the first
# run of each module takes the defaults (every optional part absent), each later run turns one
# part on and checks what the plan creates.
#   terraform init -backend=false && terraform test -filter=tests/module-branches.tftest.hcl

mock_provider "aws" {
  override_during = plan

  # The region the ARNs of the inputs are in (the modules check it).
  mock_data "aws_region" {
    defaults = { name = "us-west-2" }
  }
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::111111111111:role/bookshelf-cleanup-scheduler" }
  }
  mock_data "aws_caller_identity" {
    defaults = { account_id = "111111111111" }
  }
  mock_resource "aws_lambda_function" {
    defaults = { arn = "arn:aws:lambda:us-west-2:111111111111:function:bookshelf-cleanup", version = "1" }
  }
  mock_resource "aws_lambda_function_url" {
    defaults = { function_url = "https://bookshelf-api.lambda-url.us-west-2.on.aws/" }
  }
  mock_resource "aws_lambda_alias" {
    defaults = { arn = "arn:aws:lambda:us-west-2:111111111111:function:bookshelf-cleanup:live" }
  }
  # Not the commercial partition, so an ARN written as arn:aws: shows.
  mock_data "aws_partition" {
    defaults = { partition = "aws-us-gov" }
  }
}

# =============================================================================
# lambda
# =============================================================================

run "lambda_defaults" {
  command = plan
  module {
    source = "../../generated/modules/lambda"
  }
  variables {
    function_name = "bookshelf-api"
    handler       = "app.main.handler"
  }

  assert {
    condition     = aws_lambda_function.lambda_function.runtime == "python3.12" && aws_lambda_function.lambda_function.architectures == tolist(["x86_64"])
    error_message = "runtime and architectures should be the defaults, python3.12 on x86_64"
  }
  assert {
    condition     = aws_iam_role.lambda_role.name == "bookshelf-api"
    error_message = "the role should be named after the function by default, not ${aws_iam_role.lambda_role.name}"
  }
  assert {
    condition     = aws_lambda_function.lambda_function.tracing_config[0].mode == "PassThrough"
    error_message = "tracing mode should default to PassThrough"
  }
  assert {
    condition     = length(aws_iam_role_policy.lambda_tracing_policy) == 0
    error_message = "without active tracing the role should get no tracing policy"
  }
  assert {
    condition     = length(aws_lambda_function.lambda_function.environment) == 0
    error_message = "without environment variables there should be no environment block (hashicorp/terraform-provider-aws#43763)"
  }
  assert {
    condition     = length(aws_iam_role_policy.lambda_invoke_policy) == 0
    error_message = "without lambda_invoke_arns there should be no invoke policy"
  }
  assert {
    condition     = length(aws_iam_role_policy.statements_policy) == 0
    error_message = "without attach_policy_statements there should be no statements policy"
  }
  assert {
    condition     = can(regex("/assets/placeholder_asset/[0-9a-f]+/placeholder[.]zip$", aws_lambda_function.lambda_function.filename))
    error_message = "without local_existing_package the function should start from the placeholder, not ${aws_lambda_function.lambda_function.filename}"
  }
  assert {
    condition     = aws_lambda_function.lambda_function.source_code_hash == filebase64sha256(aws_lambda_function.lambda_function.filename)
    error_message = "the source_code_hash should be that of the placeholder"
  }
  assert {
    condition     = aws_lambda_function.lambda_function.publish && aws_lambda_alias.lambda_alias.name == "live" && aws_lambda_alias.lambda_alias.function_version == "1"
    error_message = "the function should publish version 1 and the alias live should point to it"
  }
  assert {
    condition     = jsonencode(output.alarm_names) == jsonencode(["bookshelf-api-errors", "bookshelf-api-duration-p99"]) && jsonencode(aws_cloudwatch_metric_alarm.lambda_errors_alarm.dimensions) == jsonencode({ FunctionName = "bookshelf-api", Resource = "bookshelf-api:live" })
    error_message = "the errors and duration alarms should be the alarms, without reserved concurrency no throttles alarm, not ${jsonencode(output.alarm_names)}"
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.lambda_duration_alarm.threshold == 2400 && aws_cloudwatch_metric_alarm.lambda_duration_alarm.extended_statistic == "p99" && jsonencode(aws_cloudwatch_metric_alarm.lambda_duration_alarm.dimensions) == jsonencode({ FunctionName = "bookshelf-api", Resource = "bookshelf-api:live" })
    error_message = "the duration alarm should watch the alias's p99 above 80% of the default 3 s timeout, 2400 ms, not ${aws_cloudwatch_metric_alarm.lambda_duration_alarm.threshold}"
  }
  assert {
    condition     = length(aws_cloudwatch_metric_alarm.lambda_throttles_alarm) == 0
    error_message = "without reserved concurrency there should be no throttles alarm"
  }
  assert {
    condition     = length(aws_cloudwatch_metric_alarm.lambda_errors_alarm.alarm_actions) == 0 && length(aws_cloudwatch_metric_alarm.lambda_duration_alarm.ok_actions) == 0
    error_message = "without alarm_topic_arn the alarms should notify nothing"
  }
  assert {
    condition     = length(aws_lambda_provisioned_concurrency_config.lambda_provisioned_concurrency) == 0 && length(aws_lambda_function.lambda_function.snap_start) == 0
    error_message = "without provisioned_concurrent_executions and snap_start there should be neither"
  }
  assert {
    condition     = length(aws_lambda_function.lambda_function.vpc_config) == 0 && length(aws_iam_role_policy.lambda_vpc_policy) == 0
    error_message = "without vpc_subnet_ids there should be no vpc_config and no vpc policy"
  }
  assert {
    condition     = length(aws_lambda_function.lambda_function.logging_config) == 0 && length(aws_lambda_function.lambda_function.ephemeral_storage) == 0
    error_message = "without logging or ephemeral_storage_size variables there should be no logging_config (Lambda's Text) and no ephemeral_storage block"
  }
  assert {
    condition     = aws_lambda_function.lambda_function.kms_key_arn == null && aws_cloudwatch_log_group.lambda_log_group.kms_key_id == null
    error_message = "without kms_key_arn and cloudwatch_logs_kms_key_id no KMS key should be set"
  }
  assert {
    condition     = length(aws_lambda_function_url.lambda_function_url) == 0 && length(aws_lambda_permission.lambda_function_url_permission) == 0 && output.lambda_function_url == ""
    error_message = "without create_lambda_function_url there should be no function URL and no public permission"
  }
  assert {
    condition     = length(aws_lambda_permission.lambda_allowed_triggers) == 0
    error_message = "without allowed_triggers nothing else should be allowed to invoke the function"
  }
  assert {
    condition     = length(aws_lambda_event_source_mapping.lambda_event_source_mapping) == 0 && length(aws_iam_role_policy.lambda_event_source_policy) == 0
    error_message = "without event_source_mapping there should be no mapping and no consume policy"
  }
}

run "lambda_alias_name_and_alarms" {
  command = plan
  module {
    source = "../../generated/modules/lambda"
  }
  variables {
    function_name = "bookshelf-api"
    handler       = "app.main.handler"
    alias_name    = "current"
    alarms        = ["bookshelf-api-latency"]
  }

  assert {
    condition     = aws_lambda_alias.lambda_alias.name == "current" && output.lambda_alias_name == "current"
    error_message = "alias_name should name the alias"
  }
  assert {
    condition     = jsonencode(output.alarm_names) == jsonencode(["bookshelf-api-errors", "bookshelf-api-duration-p99", "bookshelf-api-latency"]) && aws_cloudwatch_metric_alarm.lambda_errors_alarm.dimensions["Resource"] == "bookshelf-api:current"
    error_message = "the alarms should be the errors and duration alarms on the alias current, then the named ones, not ${jsonencode(output.alarm_names)}"
  }
}

run "lambda_alarms_of_a_reserved_function_to_a_topic" {
  command = plan
  module {
    source = "../../generated/modules/lambda"
  }
  variables {
    function_name                  = "bookshelf-worker"
    handler                        = "app.worker.handler"
    timeout                        = 30
    reserved_concurrent_executions = 2
    alarm_topic_arn                = "arn:aws:sns:us-west-2:111111111111:bookshelf-ops"
    alarms                         = ["bookshelf-worker-latency"]
  }

  assert {
    condition     = jsonencode(output.alarm_names) == jsonencode(["bookshelf-worker-errors", "bookshelf-worker-throttles", "bookshelf-worker-duration-p99", "bookshelf-worker-latency"])
    error_message = "a canary should watch the errors, throttles and duration alarms, then the named ones, not ${jsonencode(output.alarm_names)}"
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.lambda_duration_alarm.threshold == 24000
    error_message = "the duration threshold should be 80% of the 30 s timeout, 24000 ms, not ${aws_cloudwatch_metric_alarm.lambda_duration_alarm.threshold}"
  }
  assert {
    condition     = length(aws_cloudwatch_metric_alarm.lambda_throttles_alarm) == 1 && aws_cloudwatch_metric_alarm.lambda_throttles_alarm[0].metric_name == "Throttles" && aws_cloudwatch_metric_alarm.lambda_throttles_alarm[0].dimensions["Resource"] == "bookshelf-worker:live"
    error_message = "reserved concurrency should bring the throttles alarm, on the alias"
  }
  assert {
    condition = alltrue([for alarm in concat([aws_cloudwatch_metric_alarm.lambda_errors_alarm, aws_cloudwatch_metric_alarm.lambda_duration_alarm], aws_cloudwatch_metric_alarm.lambda_throttles_alarm) :
    alarm.alarm_actions == toset(["arn:aws:sns:us-west-2:111111111111:bookshelf-ops"]) && alarm.ok_actions == toset(["arn:aws:sns:us-west-2:111111111111:bookshelf-ops"])])
    error_message = "every alarm should notify the topic going into ALARM and back to OK"
  }
}

run "lambda_reserved_at_zero_has_no_throttles_alarm" {
  command = plan
  module {
    source = "../../generated/modules/lambda"
  }
  variables {
    function_name                  = "bookshelf-worker"
    handler                        = "app.worker.handler"
    reserved_concurrent_executions = 0
  }

  assert {
    condition     = length(aws_cloudwatch_metric_alarm.lambda_throttles_alarm) == 0 && jsonencode(output.alarm_names) == jsonencode(["bookshelf-worker-errors", "bookshelf-worker-duration-p99"])
    error_message = "a function stopped on purpose (reserved 0) should get no throttles alarm"
  }
}

run "lambda_provisioned_concurrency" {
  command = plan
  module {
    source = "../../generated/modules/lambda"
  }
  variables {
    function_name                     = "bookshelf-api"
    handler                           = "app.main.handler"
    reserved_concurrent_executions    = 5
    provisioned_concurrent_executions = 5
  }

  assert {
    condition     = length(aws_lambda_provisioned_concurrency_config.lambda_provisioned_concurrency) == 1
    error_message = "provisioned_concurrent_executions should configure provisioned concurrency"
  }
  assert {
    condition     = aws_lambda_provisioned_concurrency_config.lambda_provisioned_concurrency[0].qualifier == "live" && aws_lambda_provisioned_concurrency_config.lambda_provisioned_concurrency[0].provisioned_concurrent_executions == 5
    error_message = "the provisioned concurrency should be 5, on the alias"
  }
}

run "lambda_snap_start" {
  command = plan
  module {
    source = "../../generated/modules/lambda"
  }
  variables {
    function_name = "bookshelf-api"
    handler       = "app.main.handler"
    runtime       = "python3.13"
    snap_start    = true
  }

  assert {
    condition     = aws_lambda_function.lambda_function.snap_start[0].apply_on == "PublishedVersions"
    error_message = "snap_start should apply SnapStart to published versions"
  }
}

run "lambda_role_name" {
  command = plan
  module {
    source = "../../generated/modules/lambda"
  }
  variables {
    function_name = "bookshelf-api"
    role_name     = "bookshelf-api-exec-role"
    handler       = "app.main.handler"
  }

  assert {
    condition     = aws_iam_role.lambda_role.name == "bookshelf-api-exec-role"
    error_message = "the role should take role_name, the name a module this one replaced gave it"
  }
  assert {
    condition     = aws_lambda_function.lambda_function.function_name == "bookshelf-api" && aws_cloudwatch_log_group.lambda_log_group.name == "/aws/lambda/bookshelf-api"
    error_message = "role_name should rename the role only"
  }
}

run "lambda_runtime_and_architecture" {
  command = plan
  module {
    source = "../../generated/modules/lambda"
  }
  variables {
    function_name = "bookshelf-api"
    handler       = "src/index.handler"
    runtime       = "nodejs20.x"
    architectures = ["arm64"]
  }

  assert {
    condition     = aws_lambda_function.lambda_function.runtime == "nodejs20.x" && aws_lambda_function.lambda_function.architectures == tolist(["arm64"])
    error_message = "runtime and architectures should be the variables'"
  }
}

run "lambda_tracing_active" {
  command = plan
  module {
    source = "../../generated/modules/lambda"
  }
  variables {
    function_name = "bookshelf-api"
    handler       = "app.main.handler"
    tracing_mode  = "Active"
  }

  assert {
    condition     = aws_lambda_function.lambda_function.tracing_config[0].mode == "Active"
    error_message = "tracing mode should be Active"
  }
  assert {
    condition     = length(aws_iam_role_policy.lambda_tracing_policy) == 1
    error_message = "active tracing should give the role the tracing policy"
  }
  assert {
    condition     = jsondecode(aws_iam_role_policy.lambda_tracing_policy[0].policy).Statement[0].Action == ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
    error_message = "the tracing policy should grant the X-Ray write actions"
  }
}

run "lambda_environment_variables" {
  command = plan
  module {
    source = "../../generated/modules/lambda"
  }
  variables {
    function_name         = "bookshelf-api"
    handler               = "app.main.handler"
    environment_variables = { LOG_LEVEL = "INFO", TABLE = "books" }
  }

  assert {
    condition     = length(aws_lambda_function.lambda_function.environment) == 1
    error_message = "environment variables should give one environment block"
  }
  assert {
    condition     = aws_lambda_function.lambda_function.environment[0].variables == tomap({ LOG_LEVEL = "INFO", TABLE = "books" })
    error_message = "the environment block should hold the variables, not ${jsonencode(aws_lambda_function.lambda_function.environment[0].variables)}"
  }
}

run "lambda_invokes_functions" {
  command = plan
  module {
    source = "../../generated/modules/lambda"
  }
  variables {
    function_name = "bookshelf-api"
    handler       = "app.main.handler"
    lambda_invoke_arns = [
      "arn:aws:lambda:us-west-2:111111111111:function:bookshelf-worker",
      "arn:aws:lambda:us-west-2:111111111111:function:bookshelf-cleanup",
    ]
  }

  assert {
    condition     = length(aws_iam_role_policy.lambda_invoke_policy) == 1
    error_message = "lambda_invoke_arns should give the role an invoke policy"
  }
  assert {
    condition = jsondecode(aws_iam_role_policy.lambda_invoke_policy[0].policy).Statement == [{
      Sid    = "InvokeNamedFunctions"
      Effect = "Allow"
      Action = "lambda:InvokeFunction"
      Resource = [
        "arn:aws:lambda:us-west-2:111111111111:function:bookshelf-worker",
        "arn:aws:lambda:us-west-2:111111111111:function:bookshelf-cleanup",
        "arn:aws:lambda:us-west-2:111111111111:function:bookshelf-worker:*",
        "arn:aws:lambda:us-west-2:111111111111:function:bookshelf-cleanup:*",
      ]
    }]
    error_message = "the invoke policy should name each function and its versions and aliases, not ${aws_iam_role_policy.lambda_invoke_policy[0].policy}"
  }
}

run "lambda_policy_statements" {
  command = plan
  module {
    source = "../../generated/modules/lambda"
  }
  variables {
    function_name            = "bookshelf-api"
    handler                  = "app.main.handler"
    attach_policy_statements = true
    policy_statements = {
      ReadConfig = { actions = ["ssm:GetParameter"], resources = ["arn:aws:ssm:us-west-2:111111111111:parameter/bookshelf/*"] }
      ListBooks = {
        actions    = ["s3:ListBucket"]
        resources  = ["arn:aws:s3:::bookshelf-images"]
        conditions = { StringLike = { "s3:prefix" = ["books/*"] } }
      }
    }
  }

  assert {
    condition     = length(aws_iam_role_policy.statements_policy) == 1
    error_message = "attach_policy_statements should attach the statements policy"
  }
  assert {
    condition = jsondecode(aws_iam_role_policy.statements_policy[0].policy) == {
      Version = "2012-10-17"
      Statement = [
        {
          Sid       = "ListBooks"
          Effect    = "Allow"
          Action    = ["s3:ListBucket"]
          Resource  = ["arn:aws:s3:::bookshelf-images"]
          Condition = { StringLike = { "s3:prefix" = ["books/*"] } }
        },
        {
          Sid      = "ReadConfig"
          Effect   = "Allow"
          Action   = ["ssm:GetParameter"]
          Resource = ["arn:aws:ssm:us-west-2:111111111111:parameter/bookshelf/*"]
        },
      ]
    }
    error_message = "the statements policy should hold each statement by its Sid, with a Condition only where given, not ${aws_iam_role_policy.statements_policy[0].policy}"
  }
}

run "lambda_function_url_iam" {
  command = plan
  module {
    source = "../../generated/modules/lambda"
  }
  variables {
    function_name              = "bookshelf-api"
    handler                    = "app.main.handler"
    create_lambda_function_url = true
  }

  assert {
    condition     = aws_lambda_function_url.lambda_function_url[0].authorization_type == "AWS_IAM" && aws_lambda_function_url.lambda_function_url[0].qualifier == "live"
    error_message = "a function URL should be on the alias and need signed requests (AWS_IAM) unless told otherwise"
  }
  assert {
    condition     = length(aws_lambda_permission.lambda_function_url_permission) == 0 && length(aws_lambda_function_url.lambda_function_url[0].cors) == 0
    error_message = "an AWS_IAM function URL should get no public permission, and no CORS unless given"
  }
  assert {
    condition     = output.lambda_function_url == "https://bookshelf-api.lambda-url.us-west-2.on.aws/"
    error_message = "the lambda_function_url output should be the URL"
  }
}

run "lambda_function_url_public" {
  command = plan
  module {
    source = "../../generated/modules/lambda"
  }
  variables {
    function_name              = "bookshelf-api"
    handler                    = "app.main.handler"
    create_lambda_function_url = true
    authorization_type         = "NONE"
    lambda_function_url_public = true
    cors                       = { allow_origins = ["https://shop.example.com"] }
  }

  assert {
    condition     = aws_lambda_function_url.lambda_function_url[0].authorization_type == "NONE"
    error_message = "a URL said public should have authorization NONE"
  }
  assert {
    condition     = aws_lambda_permission.lambda_function_url_permission[0].principal == "*" && aws_lambda_permission.lambda_function_url_permission[0].action == "lambda:InvokeFunctionUrl" && aws_lambda_permission.lambda_function_url_permission[0].function_url_auth_type == "NONE" && aws_lambda_permission.lambda_function_url_permission[0].qualifier == "live"
    error_message = "a public URL should let anyone invoke the alias through the URL only"
  }
  assert {
    condition     = tolist(aws_lambda_function_url.lambda_function_url[0].cors[0].allow_origins) == tolist(["https://shop.example.com"]) && tolist(aws_lambda_function_url.lambda_function_url[0].cors[0].allow_methods) == tolist(["*"]) && aws_lambda_function_url.lambda_function_url[0].cors[0].max_age == 0
    error_message = "the URL's CORS should be the one given, any method and no preflight caching by default"
  }
}

run "lambda_allowed_triggers" {
  command = plan
  module {
    source = "../../generated/modules/lambda"
  }
  variables {
    function_name = "bookshelf-api"
    handler       = "app.main.handler"
    alias_name    = "current"
    allowed_triggers = {
      Nightly = { service = "events", source_arn = "arn:aws:events:us-west-2:111111111111:rule/nightly" }
      Partner = { principal = "222222222222", statement_id = "AllowPartner" }
    }
  }

  assert {
    condition     = aws_lambda_permission.lambda_allowed_triggers["Nightly"].principal == "events.amazonaws.com" && aws_lambda_permission.lambda_allowed_triggers["Nightly"].source_arn == "arn:aws:events:us-west-2:111111111111:rule/nightly" && aws_lambda_permission.lambda_allowed_triggers["Nightly"].statement_id == "Nightly"
    error_message = "a service trigger should be allowed as <service>.amazonaws.com from its source, under its name"
  }
  assert {
    condition     = aws_lambda_permission.lambda_allowed_triggers["Partner"].principal == "222222222222" && aws_lambda_permission.lambda_allowed_triggers["Partner"].statement_id == "AllowPartner" && aws_lambda_permission.lambda_allowed_triggers["Partner"].source_arn == null
    error_message = "a principal trigger should be allowed as given, under its statement_id"
  }
  assert {
    condition     = alltrue([for p in aws_lambda_permission.lambda_allowed_triggers : p.qualifier == "current" && p.action == "lambda:InvokeFunction"])
    error_message = "every trigger should invoke the alias, never $LATEST"
  }
}

run "lambda_consumes_queues" {
  command = plan
  module {
    source = "../../generated/modules/lambda"
  }
  variables {
    function_name = "bookshelf-worker"
    handler       = "app.worker.handler"
    event_source_mapping = {
      jobs = { event_source_arn = "arn:aws:sqs:us-west-2:111111111111:bookshelf-jobs" }
      orders = {
        event_source_arn                   = "arn:aws:sqs:us-west-2:111111111111:bookshelf-orders"
        batch_size                         = 100
        maximum_batching_window_in_seconds = 5
        scaling_config                     = { maximum_concurrency = 4 }
        function_response_types            = []
        filter_criteria                    = [{ pattern = jsonencode({ body = { kind = ["order"] } }) }]
        enabled                            = false
        queue_kms_key_arn                  = "arn:aws:kms:us-west-2:111111111111:key/11111111-2222-3333-4444-555555555555"
      }
    }
  }

  assert {
    condition     = aws_lambda_event_source_mapping.lambda_event_source_mapping["jobs"].function_name == aws_lambda_alias.lambda_alias.arn && aws_lambda_event_source_mapping.lambda_event_source_mapping["orders"].function_name == aws_lambda_alias.lambda_alias.arn
    error_message = "every mapping should invoke the alias, never the unqualified function"
  }
  assert {
    condition = (
      aws_lambda_event_source_mapping.lambda_event_source_mapping["jobs"].event_source_arn == "arn:aws:sqs:us-west-2:111111111111:bookshelf-jobs" &&
      aws_lambda_event_source_mapping.lambda_event_source_mapping["jobs"].batch_size == 10 &&
      aws_lambda_event_source_mapping.lambda_event_source_mapping["jobs"].maximum_batching_window_in_seconds == 0 &&
      aws_lambda_event_source_mapping.lambda_event_source_mapping["jobs"].function_response_types == toset(["ReportBatchItemFailures"]) &&
      aws_lambda_event_source_mapping.lambda_event_source_mapping["jobs"].enabled &&
      length(aws_lambda_event_source_mapping.lambda_event_source_mapping["jobs"].scaling_config) == 0 &&
      length(aws_lambda_event_source_mapping.lambda_event_source_mapping["jobs"].filter_criteria) == 0
    )
    error_message = "a mapping given only its queue should take the defaults: batches of 10, no window, batch item failures reported, enabled, no scaling_config, no filters"
  }
  assert {
    condition = (
      aws_lambda_event_source_mapping.lambda_event_source_mapping["orders"].batch_size == 100 &&
      aws_lambda_event_source_mapping.lambda_event_source_mapping["orders"].maximum_batching_window_in_seconds == 5 &&
      aws_lambda_event_source_mapping.lambda_event_source_mapping["orders"].scaling_config[0].maximum_concurrency == 4 &&
      length(aws_lambda_event_source_mapping.lambda_event_source_mapping["orders"].function_response_types) == 0 &&
      [for f in aws_lambda_event_source_mapping.lambda_event_source_mapping["orders"].filter_criteria[0].filter : f.pattern] == [jsonencode({ body = { kind = ["order"] } })] &&
      !aws_lambda_event_source_mapping.lambda_event_source_mapping["orders"].enabled
    )
    error_message = "a mapping should take its batching, scaling_config, response types, filters and switch"
  }
  assert {
    condition = (
      aws_iam_role_policy.lambda_event_source_policy["jobs"].name == "consume-jobs" &&
      jsondecode(aws_iam_role_policy.lambda_event_source_policy["jobs"].policy) == jsondecode(jsonencode({
        Version   = "2012-10-17"
        Statement = [{ Sid = "ConsumeQueue", Effect = "Allow", Action = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"], Resource = "arn:aws:sqs:us-west-2:111111111111:bookshelf-jobs" }]
      }))
    )
    error_message = "the consume policy should name its queue only, and no key for a queue without one: ${aws_iam_role_policy.lambda_event_source_policy["jobs"].policy}"
  }
  assert {
    condition = jsondecode(aws_iam_role_policy.lambda_event_source_policy["orders"].policy) == jsondecode(jsonencode({
      Version = "2012-10-17"
      Statement = [
        { Sid = "ConsumeQueue", Effect = "Allow", Action = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"], Resource = "arn:aws:sqs:us-west-2:111111111111:bookshelf-orders" },
        { Sid = "DecryptQueueMessages", Effect = "Allow", Action = "kms:Decrypt", Resource = "arn:aws:kms:us-west-2:111111111111:key/11111111-2222-3333-4444-555555555555" },
      ]
    }))
    error_message = "the consume policy of a KMS-encrypted queue should also grant kms:Decrypt on its key: ${aws_iam_role_policy.lambda_event_source_policy["orders"].policy}"
  }
}

run "lambda_local_existing_package" {
  command = plan
  module {
    source = "../../generated/modules/lambda"
  }
  variables {
    function_name          = "bookshelf-api"
    handler                = "app.main.handler"
    local_existing_package = "tests/fixtures/release-a.zip"
  }

  assert {
    condition     = aws_lambda_function.lambda_function.filename == "tests/fixtures/release-a.zip"
    error_message = "local_existing_package should be the function's filename"
  }
  assert {
    condition     = aws_lambda_function.lambda_function.source_code_hash == filebase64sha256("tests/fixtures/release-a.zip")
    error_message = "the source_code_hash should be that of local_existing_package"
  }
}

run "lambda_async_event_config_to_a_queue" {
  command = plan
  module {
    source = "../../generated/modules/lambda"
  }
  variables {
    function_name                = "bookshelf-worker"
    handler                      = "app.worker.handler"
    create_async_event_config    = true
    maximum_retry_attempts       = 0
    maximum_event_age_in_seconds = 60
    destination_on_failure       = "arn:aws:sqs:us-west-2:111111111111:bookshelf-worker-failures"
  }

  assert {
    condition     = aws_lambda_function_event_invoke_config.lambda_async_invoke_config[0].qualifier == "live" && aws_lambda_function_event_invoke_config.lambda_async_invoke_config[0].maximum_retry_attempts == 0 && aws_lambda_function_event_invoke_config.lambda_async_invoke_config[0].maximum_event_age_in_seconds == 60
    error_message = "the event invoke config should be on the alias, with the retries and age given"
  }
  assert {
    condition     = aws_lambda_function_event_invoke_config.lambda_async_invoke_config[0].destination_config[0].on_failure[0].destination == "arn:aws:sqs:us-west-2:111111111111:bookshelf-worker-failures"
    error_message = "failed events should go to destination_on_failure"
  }
  assert {
    condition     = jsonencode(jsondecode(aws_iam_role_policy.lambda_async_invoke_send_policy[0].policy).Statement) == jsonencode([{ Sid = "SendFailedEvents", Effect = "Allow", Action = "sqs:SendMessage", Resource = "arn:aws:sqs:us-west-2:111111111111:bookshelf-worker-failures" }])
    error_message = "the role should send to that queue and nowhere else, not ${aws_iam_role_policy.lambda_async_invoke_send_policy[0].policy}"
  }
  assert {
    condition     = jsonencode(output.alarm_names) == jsonencode(["bookshelf-worker-errors", "bookshelf-worker-duration-p99"]) && aws_cloudwatch_metric_alarm.lambda_async_invoke_events_lost_alarm[0].metric_name == "DestinationDeliveryFailures" && aws_cloudwatch_metric_alarm.lambda_async_invoke_events_lost_alarm[0].dimensions["Resource"] == "bookshelf-worker:live"
    error_message = "failed events the destination did not take should raise the lost-events alarm on the alias, which canaries do not watch: ${jsonencode(output.alarm_names)}"
  }
}

run "lambda_async_event_config_to_a_topic" {
  command = plan
  module {
    source = "../../generated/modules/lambda"
  }
  variables {
    function_name             = "bookshelf-worker"
    handler                   = "app.worker.handler"
    create_async_event_config = true
    destination_on_failure    = "arn:aws:sns:us-west-2:111111111111:bookshelf-failures"
  }

  assert {
    condition     = jsonencode(jsondecode(aws_iam_role_policy.lambda_async_invoke_send_policy[0].policy).Statement) == jsonencode([{ Sid = "PublishFailedEvents", Effect = "Allow", Action = "sns:Publish", Resource = "arn:aws:sns:us-west-2:111111111111:bookshelf-failures" }])
    error_message = "the role should publish to that topic and nowhere else, not ${aws_iam_role_policy.lambda_async_invoke_send_policy[0].policy}"
  }
  assert {
    condition     = aws_lambda_function_event_invoke_config.lambda_async_invoke_config[0].maximum_retry_attempts == 2 && aws_lambda_function_event_invoke_config.lambda_async_invoke_config[0].maximum_event_age_in_seconds == 21600
    error_message = "the retries and age should default to Lambda's: 2 and 21600"
  }
}

run "lambda_vpc" {
  command = plan
  module {
    source = "../../generated/modules/lambda"
  }
  variables {
    function_name          = "bookshelf-api"
    handler                = "app.main.handler"
    vpc_subnet_ids         = ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"]
    vpc_security_group_ids = ["sg-0123456789abcdef0"]
  }

  assert {
    condition     = aws_lambda_function.lambda_function.vpc_config[0].subnet_ids == toset(["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"]) && aws_lambda_function.lambda_function.vpc_config[0].security_group_ids == toset(["sg-0123456789abcdef0"])
    error_message = "vpc_subnet_ids and vpc_security_group_ids should make the vpc_config"
  }
  assert {
    condition     = length(aws_iam_role_policy.lambda_vpc_policy) == 1 && aws_iam_role_policy.lambda_vpc_policy[0].name == "vpc" && jsondecode(aws_iam_role_policy.lambda_vpc_policy[0].policy).Statement[0].Resource == "*" && toset(jsondecode(aws_iam_role_policy.lambda_vpc_policy[0].policy).Statement[0].Action) == toset(["ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets", "ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses"])
    error_message = "a function in a VPC should get the network interface actions in the vpc policy"
  }
}

run "lambda_logging_json_with_levels" {
  command = plan
  module {
    source = "../../generated/modules/lambda"
  }
  variables {
    function_name                 = "bookshelf-api"
    handler                       = "app.main.handler"
    logging_application_log_level = "DEBUG"
    logging_system_log_level      = "WARN"
  }

  assert {
    condition     = aws_lambda_function.lambda_function.logging_config[0].log_format == "JSON" && aws_lambda_function.lambda_function.logging_config[0].application_log_level == "DEBUG" && aws_lambda_function.lambda_function.logging_config[0].system_log_level == "WARN"
    error_message = "log levels without logging_log_format should mean JSON with those levels"
  }
  assert {
    condition     = aws_lambda_function.lambda_function.logging_config[0].log_group == "/aws/lambda/bookshelf-api"
    error_message = "the logs should go to the function's own log group, not ${aws_lambda_function.lambda_function.logging_config[0].log_group}"
  }
}

run "lambda_logging_text" {
  command = plan
  module {
    source = "../../generated/modules/lambda"
  }
  variables {
    function_name      = "bookshelf-api"
    handler            = "app.main.handler"
    logging_log_format = "Text"
  }

  assert {
    condition     = aws_lambda_function.lambda_function.logging_config[0].log_format == "Text" && aws_lambda_function.lambda_function.logging_config[0].application_log_level == null && aws_lambda_function.lambda_function.logging_config[0].system_log_level == null
    error_message = "logging_log_format = \"Text\" should set the Text format, without levels"
  }
}

run "lambda_kms_keys_and_ephemeral_storage" {
  command = plan
  module {
    source = "../../generated/modules/lambda"
  }
  variables {
    function_name              = "bookshelf-api"
    handler                    = "app.main.handler"
    kms_key_arn                = "arn:aws:kms:us-west-2:111111111111:key/0b1c2d3e-4f5a-6b7c-8d9e-0f1a2b3c4d5e"
    cloudwatch_logs_kms_key_id = "arn:aws:kms:us-west-2:111111111111:key/mrk-0123456789abcdef0123456789abcdef"
    ephemeral_storage_size     = 2048
  }

  assert {
    condition     = aws_lambda_function.lambda_function.kms_key_arn == "arn:aws:kms:us-west-2:111111111111:key/0b1c2d3e-4f5a-6b7c-8d9e-0f1a2b3c4d5e"
    error_message = "kms_key_arn should encrypt the function's environment variables"
  }
  assert {
    condition     = aws_cloudwatch_log_group.lambda_log_group.kms_key_id == "arn:aws:kms:us-west-2:111111111111:key/mrk-0123456789abcdef0123456789abcdef"
    error_message = "cloudwatch_logs_kms_key_id should encrypt the log group"
  }
  assert {
    condition     = aws_lambda_function.lambda_function.ephemeral_storage[0].size == 2048
    error_message = "ephemeral_storage_size should size /tmp"
  }
}

# =============================================================================
# cleanup-lambda
# =============================================================================

run "cleanup_defaults" {
  command = plan
  module {
    source = "../../generated/modules/cleanup-lambda"
  }
  variables {
    function_name = "bookshelf-cleanup"
    handler       = "lambdas.cleanup.handler.handler"
    bucket_name   = "bookshelf-images"
    prefix        = "books/"
  }

  assert {
    condition = aws_lambda_function.lambda_function.environment[0].variables == tomap({
      CLEANUP_BUCKET = "bookshelf-images"
      CLEANUP_PREFIX = "books/"
      DRY_RUN        = "true"
    })
    error_message = "the handler should get its bucket and prefix, in dry run, not ${jsonencode(aws_lambda_function.lambda_function.environment[0].variables)}"
  }
  assert {
    condition     = length(aws_scheduler_schedule.lambda_schedules_cleanup) == 0 && length(aws_iam_role.lambda_schedules_scheduler_role) == 0 && length(aws_iam_role_policy.lambda_schedules_scheduler_policy) == 0
    error_message = "without a schedule there should be no schedule and no scheduler role"
  }
  assert {
    condition     = length(aws_lambda_function_event_invoke_config.lambda_async_invoke_config) == 0 && length(aws_iam_role_policy.lambda_async_invoke_send_policy) == 0 && length(aws_cloudwatch_metric_alarm.lambda_async_invoke_events_lost_alarm) == 0
    error_message = "without create_async_event_config there should be no event invoke config, no send policy and no lost-events alarm"
  }
  assert {
    condition     = strcontains(aws_iam_role_policy.lambda_scope_policy.policy, "\"arn:aws-us-gov:s3:::bookshelf-images/books/*\"") && !strcontains(aws_iam_role_policy.lambda_scope_policy.policy, "arn:aws:")
    error_message = "the scope policy should name the bucket in the caller's partition, not ${aws_iam_role_policy.lambda_scope_policy.policy}"
  }
}

run "cleanup_live_with_environment_variables" {
  command = plan
  module {
    source = "../../generated/modules/cleanup-lambda"
  }
  variables {
    function_name         = "bookshelf-cleanup"
    handler               = "lambdas.cleanup.handler.handler"
    bucket_name           = "bookshelf-images"
    prefix                = "books/"
    dry_run               = false
    environment_variables = { LOG_LEVEL = "INFO" }
  }

  assert {
    condition = aws_lambda_function.lambda_function.environment[0].variables == tomap({
      LOG_LEVEL      = "INFO"
      CLEANUP_BUCKET = "bookshelf-images"
      CLEANUP_PREFIX = "books/"
      DRY_RUN        = "false"
    })
    error_message = "dry_run = false should go live (DRY_RUN = \"false\") beside the caller's variables, not ${jsonencode(aws_lambda_function.lambda_function.environment[0].variables)}"
  }
}

run "cleanup_scheduled" {
  command = plan
  module {
    source = "../../generated/modules/cleanup-lambda"
  }
  variables {
    function_name = "bookshelf-cleanup"
    handler       = "lambdas.cleanup.handler.handler"
    bucket_name   = "bookshelf-images"
    prefix        = "books/"
    schedule      = "rate(1 day)"
  }

  assert {
    condition     = aws_scheduler_schedule.lambda_schedules_cleanup["rate(1 day)"].name == "bookshelf-cleanup-cleanup" && aws_scheduler_schedule.lambda_schedules_cleanup["rate(1 day)"].schedule_expression == "rate(1 day)" && aws_scheduler_schedule.lambda_schedules_cleanup["rate(1 day)"].schedule_expression_timezone == "UTC"
    error_message = "a schedule should give one schedule, <function_name>-cleanup, with that expression, in UTC"
  }
  assert {
    condition     = aws_scheduler_schedule.lambda_schedules_cleanup["rate(1 day)"].target[0].arn == "arn:aws:lambda:us-west-2:111111111111:function:bookshelf-cleanup:live" && length(aws_scheduler_schedule.lambda_schedules_cleanup["rate(1 day)"].target[0].dead_letter_config) == 0
    error_message = "the schedule should invoke the function's alias, with no dead-letter queue when no destination_on_failure is given"
  }
  assert {
    condition     = jsondecode(aws_iam_role.lambda_schedules_scheduler_role["rate(1 day)"].assume_role_policy).Statement[0].Condition.StringEquals["aws:SourceAccount"] == "111111111111"
    error_message = "the scheduler role should trust the scheduler of the caller's account only"
  }
  assert {
    condition     = jsonencode(jsondecode(aws_iam_role_policy.lambda_schedules_scheduler_policy["rate(1 day)"].policy).Statement) == jsonencode([{ Sid = "InvokeAlias", Effect = "Allow", Action = "lambda:InvokeFunction", Resource = "arn:aws:lambda:us-west-2:111111111111:function:bookshelf-cleanup:live" }])
    error_message = "the scheduler role should invoke the alias and nothing else, not ${aws_iam_role_policy.lambda_schedules_scheduler_policy["rate(1 day)"].policy}"
  }
}

run "cleanup_scheduled_with_failure_queue" {
  command = plan
  module {
    source = "../../generated/modules/cleanup-lambda"
  }
  variables {
    function_name             = "bookshelf-cleanup"
    handler                   = "lambdas.cleanup.handler.handler"
    bucket_name               = "bookshelf-images"
    prefix                    = "books/"
    schedule                  = "rate(1 day)"
    create_async_event_config = true
    destination_on_failure    = "arn:aws:sqs:us-west-2:111111111111:bookshelf-cleanup-failures"
  }

  assert {
    condition     = aws_scheduler_schedule.lambda_schedules_cleanup["rate(1 day)"].target[0].dead_letter_config[0].arn == "arn:aws:sqs:us-west-2:111111111111:bookshelf-cleanup-failures"
    error_message = "the on-failure queue should be the schedule's dead-letter queue"
  }
  assert {
    condition     = jsondecode(aws_iam_role_policy.lambda_schedules_scheduler_policy["rate(1 day)"].policy).Statement[1] == { Sid = "SendToDeadLetterQueue", Effect = "Allow", Action = "sqs:SendMessage", Resource = "arn:aws:sqs:us-west-2:111111111111:bookshelf-cleanup-failures" }
    error_message = "the scheduler role should send to the dead-letter queue, not ${aws_iam_role_policy.lambda_schedules_scheduler_policy["rate(1 day)"].policy}"
  }
}

run "cleanup_in_a_vpc_with_structured_logs" {
  command = plan
  module {
    source = "../../generated/modules/cleanup-lambda"
  }
  variables {
    function_name          = "bookshelf-cleanup"
    handler                = "lambdas.cleanup.handler.handler"
    bucket_name            = "bookshelf-images"
    prefix                 = "books/"
    vpc_subnet_ids         = ["subnet-0123456789abcdef0"]
    vpc_security_group_ids = ["sg-0123456789abcdef0"]
    logging_log_format     = "JSON"
  }

  assert {
    condition     = length(aws_lambda_function.lambda_function.vpc_config) == 1 && length(aws_iam_role_policy.lambda_vpc_policy) == 1
    error_message = "the cleanup function should run in the VPC, with the network interface permissions"
  }
  assert {
    condition     = aws_lambda_function.lambda_function.logging_config[0].log_format == "JSON" && aws_lambda_function.lambda_function.logging_config[0].log_group == "/aws/lambda/bookshelf-cleanup"
    error_message = "the cleanup function should write JSON logs to its own log group"
  }
}

# =============================================================================
# lambda-layer
# =============================================================================

run "layer_shape" {
  command = plan
  module {
    source = "../../generated/modules/lambda-layer"
  }
  variables {
    layer_name               = "bookshelf-deps"
    s3_bucket                = "bookshelf-artifacts"
    s3_key                   = "lambda/layer.zip"
    compatible_runtimes      = ["python3.12", "python3.13"]
    compatible_architectures = ["arm64"]
    skip_destroy             = false
  }

  assert {
    condition     = toset(aws_lambda_layer_version.layer_version.compatible_runtimes) == toset(["python3.12", "python3.13"])
    error_message = "the layer version should take the compatible runtimes"
  }
  assert {
    condition     = toset(aws_lambda_layer_version.layer_version.compatible_architectures) == toset(["arm64"])
    error_message = "the layer version should take the compatible architectures"
  }
  assert {
    condition     = aws_lambda_layer_version.layer_version.skip_destroy == false
    error_message = "the layer version should take skip_destroy"
  }
}
