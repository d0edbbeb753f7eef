variable "environment" {
  description = "Environment name, such as staging or prod"
  type        = string
}

variable "account_id" {
  description = "The only AWS account this root may be applied to"
  type        = string
}

variable "region" {
  description = "AWS region"
  type        = string
}

variable "artifacts_bucket" {
  description = "Bucket CI uploads layer and function packages to"
  type        = string
}

variable "images_bucket" {
  description = "Bucket of book images the cleanup function prunes under books/"
  type        = string
}

variable "database_secret_arn" {
  description = "ARN of the database secret the cleanup function reads"
  type        = string
}

variable "cleanup_dry_run" {
  description = "Keep the cleanup function in dry-run (DRY_RUN=true); set false to let it delete"
  type        = bool
  default     = true
}

variable "api_package" {
  description = "Zip to create the API function from; CI owns its code afterwards. Default: a placeholder"
  type        = string
  default     = null
}

variable "cleanup_package" {
  description = "Zip to create the cleanup function from; CI owns its code afterwards. Default: a placeholder"
  type        = string
  default     = null
}
