locals {
  name = "bookshelf-${var.environment}"
  common_tags = {
    Project     = "bookshelf"
    Environment = var.environment
  }
}

# =============================================================================
# Lambda Layer (shared Python dependencies)
# =============================================================================

module "lambda_layer" {
  source = "../../generated/modules/lambda-layer"

  layer_name  = "${local.name}-deps"
  description = "Shared Python dependencies for bookshelf Lambdas"
  s3_bucket   = var.artifacts_bucket
  s3_key      = "lambda/layer.zip"

  tags = local.common_tags
}

# =============================================================================
# Cleanup Lambda: may list and delete under books/ of the images bucket only
# =============================================================================

module "cleanup_lambda" {
  source = "../../generated/modules/cleanup-lambda"

  function_name = "${local.name}-cleanup"
  handler       = "lambdas.cleanup.handler.handler"
  memory_size   = 512
  timeout       = 300
  layers        = [module.lambda_layer.layer_version_arn]

  bucket_name = var.images_bucket
  prefix      = "books/"
  dry_run     = var.cleanup_dry_run
  schedule    = "rate(1 day)"

  attach_policy_statements = true
  policy_statements = {
    ReadDatabaseSecret = {
      actions   = ["secretsmanager:GetSecretValue"]
      resources = [var.database_secret_arn]
    }
  }

  local_existing_package = var.cleanup_package
  tags                   = local.common_tags
}

# =============================================================================
# API Lambda: may invoke the cleanup function
# =============================================================================

module "lambda" {
  source = "../../generated/modules/lambda"

  function_name = "${local.name}-api"
  handler       = "app.main.handler"
  memory_size   = 512
  timeout       = 30
  layers        = [module.lambda_layer.layer_version_arn]

  lambda_invoke_arns = [module.cleanup_lambda.function_arn]
  environment_variables = {
    CLEANUP_FUNCTION_NAME = module.cleanup_lambda.function_name
  }

  local_existing_package = var.api_package
  tags                   = local.common_tags
}
