"""Infrastructure as code: the CloudFormation template and the scripts that deploy it."""
