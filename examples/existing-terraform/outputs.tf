output "layer_version_arn" {
  description = "ARN of the layer version Terraform created (CI publishes later ones)"
  value       = module.lambda_layer.layer_version_arn
}

output "api_function_name" {
  description = "Name of the API function"
  value       = module.lambda.function_name
}

output "cleanup_function_name" {
  description = "Name of the cleanup function"
  value       = module.cleanup_lambda.function_name
}
